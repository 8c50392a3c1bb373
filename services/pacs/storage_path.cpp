#include "services/pacs/storage_path.h"

#include <openssl/evp.h>

namespace gateway::pacs {

std::string toHex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return toHex(digest, length);
}

std::string storagePathFor(std::string_view sop_instance_uid) {
  const std::string h = sha256Hex(sop_instance_uid);
  return h.substr(0, 2) + "/" + h.substr(2, 2) + "/" + h.substr(0, 16) + ".dcm";
}

bool isStoragePathShape(std::string_view p) {
  // "ab/cd/abcd............dcm": 2 + 1 + 2 + 1 + 16 + 4 = 26 characters.
  if (p.size() != 26 || p[2] != '/' || p[5] != '/' || p.substr(22) != ".dcm") return false;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  for (const std::size_t i : {0u, 1u, 3u, 4u}) {
    if (!hex(p[i])) return false;
  }
  for (std::size_t i = 6; i < 22; ++i) {
    if (!hex(p[i])) return false;
  }
  return p.substr(0, 2) == p.substr(6, 2) && p.substr(3, 2) == p.substr(8, 2);
}

}  // namespace gateway::pacs

#include <fcntl.h>
#include <unistd.h>

#include <vector>

namespace gateway::pacs {

std::optional<std::string> sha256OfFile(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      ok = false;
      break;
    }
    EVP_DigestUpdate(sha, buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(sha, digest, &length);
  EVP_MD_CTX_free(sha);
  if (!ok) return std::nullopt;
  return toHex(digest, length);
}

}  // namespace gateway::pacs
