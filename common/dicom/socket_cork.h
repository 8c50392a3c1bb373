#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace gateway::dicom {

// Holds back partial TCP segments while a burst of responses is written (TCP_CORK), and
// sends what is left when it goes out of scope. DCMTK writes every PDU as two write()s
// (header, then data), and a C-FIND pending response is two PDUs: with TCP_NODELAY each
// became its own segment, four per answer. Corked, the answers leave in full segments
// (ADR 0020). Used where the connection cannot batch the writes itself (a TLS port; see
// AnswerBurst). The kernel still sends a corked partial segment after 200 ms, so a slow
// query delays nothing by more than that. A socket that refuses the option is left as it is.
class SocketCork {
 public:
  explicit SocketCork(int socket) : socket_(socket) {
    int on = 1;
    corked_ = socket_ >= 0 && ::setsockopt(socket_, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0;
  }
  ~SocketCork() {
    if (!corked_) return;
    int off = 0;
    ::setsockopt(socket_, IPPROTO_TCP, TCP_CORK, &off, sizeof(off));
  }
  // Sends what is held back now and keeps corking: lets the peer start decoding the first
  // answers while the rest are still being built.
  void push() {
    if (!corked_) return;
    int off = 0;
    int on = 1;
    ::setsockopt(socket_, IPPROTO_TCP, TCP_CORK, &off, sizeof(off));
    ::setsockopt(socket_, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
  }
  SocketCork(const SocketCork&) = delete;
  SocketCork& operator=(const SocketCork&) = delete;

 private:
  int socket_;
  bool corked_ = false;
};

}  // namespace gateway::dicom
