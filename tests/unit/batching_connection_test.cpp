#include "common/dicom/batching_connection.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <string>

namespace gateway::dicom {
namespace {

// One end for the connection under test (it owns and closes it), one for the "peer".
struct SocketPair {
  int ours = -1;
  int peer = -1;
  SocketPair() {
    std::signal(SIGPIPE, SIG_IGN);  // as the gateway does: a lost peer is an error, not a kill
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
      ours = fds[0];
      peer = fds[1];
    }
  }
  ~SocketPair() {
    if (peer >= 0) ::close(peer);
  }
};

bool peerCanRead(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

std::string readAvailable(int fd) {
  std::string bytes;
  char chunk[65536];
  while (peerCanRead(fd)) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  return bytes;
}

ssize_t put(BatchingTcpConnection& c, std::string bytes) {
  return c.write(bytes.data(), bytes.size());
}

TEST(BatchingTcpConnection, OutsideABatchEveryWriteGoesStraightOut) {
  SocketPair pair;
  ASSERT_GE(pair.ours, 0);
  BatchingTcpConnection connection(pair.ours);
  EXPECT_EQ(put(connection, "header"), 6);
  EXPECT_EQ(readAvailable(pair.peer), "header");
  connection.close();
}

TEST(BatchingTcpConnection, ABatchIsHeldUntilFlushedAndArrivesInOrder) {
  SocketPair pair;
  ASSERT_GE(pair.ours, 0);
  BatchingTcpConnection connection(pair.ours);
  connection.beginBatch();
  EXPECT_EQ(put(connection, "one,"), 4);
  EXPECT_EQ(put(connection, "two,"), 4);
  // A look for a C-CANCEL without waiting keeps the batch.
  EXPECT_FALSE(connection.networkDataAvailable(0));
  EXPECT_FALSE(peerCanRead(pair.peer));
  ASSERT_TRUE(connection.flush());
  EXPECT_EQ(readAvailable(pair.peer), "one,two,");
  EXPECT_EQ(put(connection, "three"), 5);
  EXPECT_FALSE(peerCanRead(pair.peer));
  ASSERT_TRUE(connection.endBatch());
  EXPECT_EQ(readAvailable(pair.peer), "three");
  EXPECT_EQ(put(connection, "after"), 5);  // straight through again
  EXPECT_EQ(readAvailable(pair.peer), "after");
  connection.close();
}

// Nothing waits on the peer while the peer waits for held bytes: a read or a wait for data
// sends the batch first.
TEST(BatchingTcpConnection, WaitingForThePeerSendsWhatIsHeldFirst) {
  SocketPair pair;
  ASSERT_GE(pair.ours, 0);
  BatchingTcpConnection connection(pair.ours);
  connection.beginBatch();
  put(connection, "final response");
  EXPECT_FALSE(connection.networkDataAvailable(1));  // waited a second, nothing came
  EXPECT_EQ(readAvailable(pair.peer), "final response");

  put(connection, "more");
  ASSERT_EQ(::write(pair.peer, "rq", 2), 2);
  char in[8] = {};
  EXPECT_EQ(connection.read(in, sizeof in), 2);
  EXPECT_EQ(std::string(in, 2), "rq");
  EXPECT_EQ(readAvailable(pair.peer), "more");

  put(connection, "abort");
  connection.close();
  EXPECT_EQ(readAvailable(pair.peer), "abort");
}

TEST(BatchingTcpConnection, ABatchStaysBoundedAndLargeWritesPassThrough) {
  SocketPair pair;
  ASSERT_GE(pair.ours, 0);
  int size = 4 << 20;  // room for everything below, so no write blocks
  ::setsockopt(pair.ours, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  ::setsockopt(pair.peer, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  BatchingTcpConnection connection(pair.ours);
  connection.beginBatch();
  const std::string answer(100 << 10, 'a');
  put(connection, answer);
  put(connection, answer);
  EXPECT_FALSE(peerCanRead(pair.peer));
  put(connection, answer);  // would pass the bound: the first two go out
  EXPECT_EQ(readAvailable(pair.peer).size(), answer.size() * 2);
  const std::string huge(300 << 10, 'h');
  EXPECT_EQ(put(connection, huge), static_cast<ssize_t>(huge.size()));
  EXPECT_EQ(readAvailable(pair.peer), answer + huge);
  ASSERT_TRUE(connection.endBatch());
  connection.close();
}

TEST(BatchingTcpConnection, ALostPeerFailsTheFlushAndEveryLaterCall) {
  SocketPair pair;
  ASSERT_GE(pair.ours, 0);
  BatchingTcpConnection connection(pair.ours);
  connection.beginBatch();
  put(connection, "answers");
  ::close(pair.peer);
  pair.peer = -1;
  EXPECT_FALSE(connection.flush());
  EXPECT_EQ(put(connection, "more"), -1);
  char in[4];
  EXPECT_EQ(connection.read(in, sizeof in), -1);
  EXPECT_TRUE(connection.networkDataAvailable(0));  // so the read that follows reports it
  EXPECT_FALSE(connection.endBatch());
  connection.close();
}

}  // namespace
}  // namespace gateway::dicom
