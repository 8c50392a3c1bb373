#include "tests/support/raw_association.h"

#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcvrui.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;

void put16be(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32be(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
void put16le(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32le(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift <= 24; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
std::uint32_t get32be(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

Bytes item(std::uint8_t type, const Bytes& body) {
  Bytes out{type, 0};
  put16be(out, static_cast<std::uint16_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}
Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes aeField(const std::string& aet) {
  std::string padded = aet;
  padded.resize(16, ' ');
  return text(padded);
}

bool sendAll(int fd, const Bytes& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool recvAll(int fd, std::uint8_t* out, std::size_t size, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < size) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::recv(fd, out + done, size - done, 0);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

Bytes pdataPdu(std::uint8_t context, std::uint8_t control, const std::uint8_t* data,
               std::size_t size) {
  Bytes out{0x04, 0};
  put32be(out, static_cast<std::uint32_t>(size + 6));
  put32be(out, static_cast<std::uint32_t>(size + 2));
  out.push_back(context);
  out.push_back(control);
  out.insert(out.end(), data, data + size);
  return out;
}

}  // namespace

int connectFrom(const std::string& source_address, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source_address.c_str(), &local.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(port);
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof(peer)) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool closedWithin(int fd, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    pollfd pfd{fd, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (::poll(&pfd, 1, static_cast<int>(std::max<long long>(left, 1))) > 0) {
      char byte = 0;
      if (::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0) return true;
    }
  }
  return false;
}

RawAssociation::~RawAssociation() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawAssociation::open(std::uint16_t port, const std::string& called_aet,
                          const std::string& calling_aet,
                          const std::vector<ProposedContext>& contexts) {
  fd_ = connectFrom(source_, port);
  if (fd_ < 0) return false;
  Bytes body;
  put16be(body, 1);  // protocol version
  put16be(body, 0);
  const Bytes called = aeField(called_aet);
  const Bytes calling = aeField(calling_aet);
  body.insert(body.end(), called.begin(), called.end());
  body.insert(body.end(), calling.begin(), calling.end());
  body.resize(body.size() + 32, 0);
  const Bytes app = item(0x10, text("1.2.840.10008.3.1.1.1"));
  body.insert(body.end(), app.begin(), app.end());
  for (const auto& c : contexts) {
    Bytes pc{c.id, 0, 0, 0};
    const Bytes abstract = item(0x30, text(c.abstract_syntax));
    const Bytes transfer = item(0x40, text(c.transfer_syntax));
    pc.insert(pc.end(), abstract.begin(), abstract.end());
    pc.insert(pc.end(), transfer.begin(), transfer.end());
    const Bytes whole = item(0x20, pc);
    body.insert(body.end(), whole.begin(), whole.end());
  }
  Bytes max_length;
  put32be(max_length, 16384);
  Bytes user = item(0x51, max_length);
  const Bytes implementation = item(0x52, text("1.2.826.0.1.3680043.9.7433.1"));
  user.insert(user.end(), implementation.begin(), implementation.end());
  for (const auto& c : contexts) {
    if (!c.scp_role_only) continue;
    // SCP/SCU Role Selection (PS3.7 D.3.3.4): UID length, UID, SCU role 0, SCP role 1.
    Bytes role;
    put16be(role, static_cast<std::uint16_t>(c.abstract_syntax.size()));
    const Bytes uid = text(c.abstract_syntax);
    role.insert(role.end(), uid.begin(), uid.end());
    role.push_back(0);
    role.push_back(1);
    const Bytes role_item = item(0x54, role);
    user.insert(user.end(), role_item.begin(), role_item.end());
  }
  const Bytes user_item = item(0x50, user);
  body.insert(body.end(), user_item.begin(), user_item.end());
  Bytes pdu{0x01, 0};
  put32be(pdu, static_cast<std::uint32_t>(body.size()));
  pdu.insert(pdu.end(), body.begin(), body.end());
  if (!sendAll(fd_, pdu)) return false;

  std::uint8_t type = 0;
  Bytes reply;
  if (!readPdu(type, reply, Clock::now() + std::chrono::seconds(10))) return false;
  if (type == 0x03 && reply.size() >= 4) {
    rejected_ = true;
    reject_result_ = reply[1];
    reject_source_ = reply[2];
    reject_reason_ = reply[3];
    return false;
  }
  if (type != 0x02) return false;
  // Presentation context results (items 0x21) follow the 68-byte fixed part.
  for (std::size_t at = 68; at + 4 <= reply.size();) {
    const std::uint8_t item_type = reply[at];
    const std::size_t length = (std::size_t{reply[at + 2]} << 8) | reply[at + 3];
    if (item_type == 0x21 && at + 8 <= reply.size() && reply[at + 6] == 0) {
      accepted_.push_back(reply[at + 4]);
    }
    at += 4 + length;
  }
  return true;
}

bool RawAssociation::readPdu(std::uint8_t& type, Bytes& body, Clock::time_point deadline) {
  std::uint8_t header[6];
  if (!recvAll(fd_, header, 6, deadline)) return false;
  type = header[0];
  const std::uint32_t length = get32be(header + 2);
  if (length > (64U << 20)) return false;
  body.resize(length);
  return length == 0 || recvAll(fd_, body.data(), length, deadline);
}

bool RawAssociation::sendCommand(std::uint8_t context, const Bytes& command) {
  return sendAll(fd_, pdataPdu(context, 0x03, command.data(), command.size()));
}

bool RawAssociation::sendDataset(std::uint8_t context, const Bytes& dataset,
                                 std::size_t pdv_bytes) {
  if (dataset.empty()) return sendAll(fd_, pdataPdu(context, 0x02, nullptr, 0));
  for (std::size_t at = 0; at < dataset.size(); at += pdv_bytes) {
    const std::size_t size = std::min(pdv_bytes, dataset.size() - at);
    const bool last = at + size >= dataset.size();
    if (!sendAll(fd_, pdataPdu(context, last ? 0x02 : 0x00, dataset.data() + at, size))) {
      return false;
    }
  }
  return true;
}

std::optional<RawResponse> RawAssociation::readResponse(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Bytes command;
  bool command_done = false;
  bool dataset_done = true;
  RawResponse out;
  while (!command_done || !dataset_done) {
    if (pending_pdvs_.empty()) {
      std::uint8_t type = 0;
      Bytes body;
      if (!readPdu(type, body, deadline)) return std::nullopt;
      if (type != 0x04) return std::nullopt;  // release, abort: no response
      pending_pdvs_ = std::move(body);
    }
    // One PDV from the front of the PDU.
    if (pending_pdvs_.size() < 6) return std::nullopt;
    const std::uint32_t length = get32be(pending_pdvs_.data());
    if (length < 2 || length + 4 > pending_pdvs_.size()) return std::nullopt;
    const std::uint8_t control = pending_pdvs_[5];
    const std::uint8_t* data = pending_pdvs_.data() + 6;
    if ((control & 0x01) != 0) {
      command.insert(command.end(), data, data + length - 2);
      if ((control & 0x02) != 0) {
        command_done = true;
        DcmInputBufferStream stream;
        stream.setBuffer(command.data(), static_cast<offile_off_t>(command.size()));
        stream.setEos();
        out.command = std::make_unique<DcmDataset>();
        out.command->transferInit();
        out.command->read(stream, EXS_LittleEndianImplicit, EGL_withoutGL);
        out.command->transferEnd();
        Uint16 value = 0;
        if (out.command->findAndGetUint16(DCM_CommandField, value).good())
          out.command_field = value;
        if (out.command->findAndGetUint16(DCM_Status, value).good()) out.status = value;
        if (out.command->findAndGetUint16(DCM_CommandDataSetType, value).good()) {
          out.has_dataset = value != 0x0101;
        }
        OFString s;
        if (out.command->findAndGetOFString(DCM_ErrorComment, s).good())
          out.error_comment = s.c_str();
        if (out.command->findAndGetOFString(DCM_AffectedSOPInstanceUID, s).good()) {
          out.affected_sop_instance_uid = s.c_str();
        }
        dataset_done = !out.has_dataset;
      }
    } else if ((control & 0x02) != 0) {
      dataset_done = true;
    }
    pending_pdvs_.erase(pending_pdvs_.begin(), pending_pdvs_.begin() + 4 + length);
  }
  return out;
}

bool RawAssociation::release() {
  const Bytes rq{0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0};
  if (!sendAll(fd_, rq)) return false;
  std::uint8_t type = 0;
  Bytes body;
  return readPdu(type, body, Clock::now() + std::chrono::seconds(10)) && type == 0x06;
}

bool RawAssociation::closedByPeer(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 100) > 0) {
      std::uint8_t buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n <= 0) return true;
      if (buffer[0] == 0x07) return true;  // A-ABORT
    }
  }
  return false;
}

Bytes encodeDataset(DcmDataset& dataset, E_TransferSyntax xfer) {
  const Uint32 length = dataset.calcElementLength(xfer, EET_ExplicitLength);
  Bytes bytes(length + 1024);
  DcmOutputBufferStream stream(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  dataset.transferInit();
  dataset.write(stream, xfer, EET_ExplicitLength, nullptr);
  dataset.transferEnd();
  void* buffer = nullptr;
  offile_off_t written = 0;
  stream.flushBuffer(buffer, written);
  bytes.resize(static_cast<std::size_t>(written));
  return bytes;
}

Bytes encodeCommand(DcmDataset& command) {
  // Group length first: compute the rest, then prepend (0000,0000) UL.
  Bytes rest = encodeDataset(command, EXS_LittleEndianImplicit);
  Bytes out;
  put16le(out, 0x0000);
  put16le(out, 0x0000);
  put32le(out, 4);
  put32le(out, static_cast<std::uint32_t>(rest.size()));
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

namespace {
Bytes commandWith(std::uint16_t field, std::uint16_t message_id, const DcmTagKey& class_tag,
                  const std::string& sop_class, const DcmTagKey* instance_tag,
                  const std::string& sop_instance, bool with_dataset) {
  DcmDataset command;
  command.putAndInsertString(class_tag, sop_class.c_str());
  command.putAndInsertUint16(DCM_CommandField, field);
  command.putAndInsertUint16(DCM_MessageID, message_id);
  if (field == 0x0001 || field == 0x0020) command.putAndInsertUint16(DCM_Priority, 0);
  command.putAndInsertUint16(DCM_CommandDataSetType, with_dataset ? 0x0001 : 0x0101);
  if (instance_tag != nullptr) {
    // Put the value raw (any length, any bytes): DCMTK would refuse an invalid one.
    auto* element = new DcmUniqueIdentifier(*instance_tag);
    element->putOFStringArray(sop_instance.c_str());
    command.insert(element, OFTrue);
  }
  return encodeCommand(command);
}
}  // namespace

Bytes storeCommand(std::uint16_t message_id, const std::string& sop_class,
                   const std::string& sop_instance, bool with_dataset) {
  const DcmTagKey instance = DCM_AffectedSOPInstanceUID;
  return commandWith(0x0001, message_id, DCM_AffectedSOPClassUID, sop_class, &instance,
                     sop_instance, with_dataset);
}

Bytes findCommand(std::uint16_t message_id, const std::string& sop_class, bool with_dataset) {
  return commandWith(0x0020, message_id, DCM_AffectedSOPClassUID, sop_class, nullptr, "",
                     with_dataset);
}

Bytes nCreateCommand(std::uint16_t message_id, const std::string& sop_class,
                     const std::string& sop_instance) {
  const DcmTagKey instance = DCM_AffectedSOPInstanceUID;
  return commandWith(0x0140, message_id, DCM_AffectedSOPClassUID, sop_class, &instance,
                     sop_instance, true);
}

Bytes nSetCommand(std::uint16_t message_id, const std::string& sop_class,
                  const std::string& sop_instance) {
  const DcmTagKey instance = DCM_RequestedSOPInstanceUID;
  return commandWith(0x0120, message_id, DCM_RequestedSOPClassUID, sop_class, &instance,
                     sop_instance, true);
}

Bytes append(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes explicitLongHeader(std::uint16_t group, std::uint16_t element, const char vr[2],
                         std::uint32_t length) {
  Bytes out;
  put16le(out, group);
  put16le(out, element);
  out.push_back(static_cast<std::uint8_t>(vr[0]));
  out.push_back(static_cast<std::uint8_t>(vr[1]));
  put16le(out, 0);
  put32le(out, length);
  return out;
}

Bytes explicitElement(std::uint16_t group, std::uint16_t element, const char vr[2],
                      const Bytes& value) {
  Bytes padded = value;
  if (padded.size() % 2 != 0) padded.push_back(0);
  const std::string v(vr, 2);
  const bool long_form = v == "OB" || v == "OW" || v == "SQ" || v == "UN" || v == "UT" ||
                         v == "UC" || v == "UR" || v == "OF" || v == "OD" || v == "OL";
  Bytes out;
  if (long_form) {
    out = explicitLongHeader(group, element, vr, static_cast<std::uint32_t>(padded.size()));
  } else {
    put16le(out, group);
    put16le(out, element);
    out.push_back(static_cast<std::uint8_t>(vr[0]));
    out.push_back(static_cast<std::uint8_t>(vr[1]));
    put16le(out, static_cast<std::uint16_t>(padded.size()));
  }
  out.insert(out.end(), padded.begin(), padded.end());
  return out;
}

Bytes explicitElement(std::uint16_t group, std::uint16_t element, const char vr[2],
                      const std::string& value) {
  return explicitElement(group, element, vr, Bytes(value.begin(), value.end()));
}

Bytes nestedSequences(const Bytes& prefix, int depth, std::uint16_t group, std::uint16_t element,
                      bool implicit) {
  Bytes out = prefix;
  auto tagBytes = [&out](std::uint16_t g, std::uint16_t e) {
    put16le(out, g);
    put16le(out, e);
  };
  for (int level = 0; level < depth; ++level) {
    tagBytes(group, element);
    if (!implicit) {
      out.push_back('S');
      out.push_back('Q');
      put16le(out, 0);
    }
    put32le(out, 0xFFFFFFFF);
    tagBytes(0xFFFE, 0xE000);
    put32le(out, 0xFFFFFFFF);
  }
  for (int level = 0; level < depth; ++level) {
    tagBytes(0xFFFE, 0xE00D);
    put32le(out, 0);
    tagBytes(0xFFFE, 0xE0DD);
    put32le(out, 0);
  }
  return out;
}

}  // namespace gateway::test
