#include "services/pacs/stow_forward_sender.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "common/config/forward_destination.h"
#include "common/logging/logging.h"

namespace gateway::pacs {
namespace {

constexpr const char* kBoundary = "screening-gateway-stow-boundary-7d3f9a";
constexpr std::size_t kMaxResponseBytes = 64 * 1024;  // enough for any failure report

// The request body: part header, the file's bytes, the closing delimiter; read in order.
struct BodyReader {
  std::string head;
  std::FILE* file = nullptr;
  std::string tail;
  std::size_t head_at = 0;
  std::size_t tail_at = 0;
  bool file_done = false;
  bool read_error = false;
};

std::size_t readBody(char* out, std::size_t size, std::size_t count, void* user) {
  auto& body = *static_cast<BodyReader*>(user);
  const std::size_t room = size * count;
  std::size_t written = 0;
  if (body.head_at < body.head.size()) {
    const std::size_t n = std::min(room, body.head.size() - body.head_at);
    body.head.copy(out, n, body.head_at);
    body.head_at += n;
    written += n;
  }
  if (written < room && !body.file_done) {
    const std::size_t n = std::fread(out + written, 1, room - written, body.file);
    written += n;
    if (n == 0) {
      body.file_done = true;
      if (std::ferror(body.file) != 0) {
        body.read_error = true;
        return CURL_READFUNC_ABORT;
      }
    }
  }
  if (written < room && body.file_done && body.tail_at < body.tail.size()) {
    const std::size_t n = std::min(room - written, body.tail.size() - body.tail_at);
    body.tail.copy(out + written, n, body.tail_at);
    body.tail_at += n;
    written += n;
  }
  return written;
}

std::size_t collectResponse(char* data, std::size_t size, std::size_t count, void* user) {
  auto& response = *static_cast<std::string*>(user);
  const std::size_t n = size * count;
  const std::size_t keep =
      std::min(n, kMaxResponseBytes - std::min(kMaxResponseBytes, response.size()));
  response.append(data, keep);
  return n;  // the rest is read and dropped, never held
}

// A response body to quote in an error: its start, one line, printable only.
std::string excerpt(const std::string& body) {
  std::string out;
  for (const char c : body) {
    if (out.size() >= 200) {
      out += "...";
      break;
    }
    out += (c >= 0x20 && c < 0x7F) ? c : ' ';
  }
  return out;
}

}  // namespace

void initialiseHttpClientLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

StowForwardSender::StowForwardSender(StowTarget target) : target_(std::move(target)) {
  initialiseHttpClientLibrary();
}

StowForwardSender::~StowForwardSender() { idle(); }

void StowForwardSender::idle() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
  curl_ = nullptr;
}

SendOutcome StowForwardSender::send(const ForwardItem& item, const std::filesystem::path& file) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) return {ForwardDisposition::kRetry, "cannot open the stored file " + file.string()};
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return {ForwardDisposition::kRetry, "cannot size the stored file: " + ec.message()};

  if (curl_ == nullptr) curl_ = curl_easy_init();
  CURL* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return {ForwardDisposition::kRetry, "cannot initialise libcurl"};
  curl_easy_reset(curl);  // keeps the open connection, clears the last request's options

  BodyReader body;
  body.head = fmt::format("--{}\r\nContent-Type: application/dicom\r\n\r\n", kBoundary);
  body.file = in.get();
  body.tail = fmt::format("\r\n--{}--\r\n", kBoundary);
  const auto total = static_cast<curl_off_t>(body.head.size() + size + body.tail.size());

  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(
      headers, fmt::format("Content-Type: multipart/related; type=\"application/dicom\"; "
                           "boundary={}",
                           kBoundary)
                   .c_str());
  headers = curl_slist_append(headers, "Accept: application/dicom+json");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (!target_.token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + target_.token).c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, &curl_slist_free_all);

  std::string response;
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, target_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, total);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &readBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &body);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collectResponse);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(target_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(target_.stall_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is reported, not followed
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!target_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, target_.ca_file.c_str());

  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    idle();  // a broken connection is not reused
    if (body.read_error) return {ForwardDisposition::kRetry, "cannot read the stored file"};
    return {ForwardDisposition::kRetry,
            fmt::format("{}: {}", config::urlWithoutCredentials(target_.url),
                        error_text[0] != '\0' ? error_text : curl_easy_strerror(code)),
            true};
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  const auto disposition = dispositionOfHttpStatus(static_cast<int>(status));
  if (disposition == ForwardDisposition::kSent) {
    return {disposition, status == 202 ? "HTTP 202 (accepted with warnings)" : ""};
  }
  (void)item;
  return {disposition,
          fmt::format("HTTP {} from {}{}", status, config::urlWithoutCredentials(target_.url),
                      response.empty() ? "" : ": " + excerpt(response))};
}

}  // namespace gateway::pacs
