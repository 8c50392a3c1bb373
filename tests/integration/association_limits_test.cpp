// Network hardening: stalled and trickling peers, capacity, broken transfers, shutdown.
#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/dicom/association_request.h"
#include "common/dicom/dimse_status.h"
#include "tests/integration/pacs_harness.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/store_client.h"
#include "tests/support/wait.h"

namespace gateway::test {
namespace {

using Clock = std::chrono::steady_clock;
const std::vector<std::string> kUncompressed = {UID_LittleEndianExplicitTransferSyntax};

int connectRaw(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

// True once the server has closed `fd` (recv returns 0 or an error) within `limit`.
bool closedByServerWithin(int fd, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) > 0) {
      char byte;
      const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
      if (n <= 0) return true;
    }
  }
  return false;
}

TEST(AssociationLimits, SilentAndTricklingPeersDoNotDelayOthers) {
  PacsHarness pacs(
      [](config::GatewayConfig& c) { c.network.acse_timeout = std::chrono::seconds(3); });
  const int silent = connectRaw(pacs.port());
  const int trickle = connectRaw(pacs.port());
  const unsigned char first_byte = 0x01;  // an A-ASSOCIATE-RQ that never completes
  ASSERT_EQ(::send(trickle, &first_byte, 1, 0), 1);

  const auto started = Clock::now();
  TestScu scu(pacs.port());
  scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation}, kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  auto ds = makeObject({});
  EXPECT_EQ(scu.store(*ds).status, dicom::status::kSuccess);
  scu.releaseAssociation();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2));  // well before the ACSE timeout

  // The stalled peers are dropped once their association request deadline passes.
  EXPECT_TRUE(closedByServerWithin(silent, std::chrono::seconds(8)));
  EXPECT_TRUE(closedByServerWithin(trickle, std::chrono::seconds(8)));
  ::close(silent);
  ::close(trickle);
}

TEST(AssociationLimits, NonDicomPeerIsClosedAtOnce) {
  PacsHarness pacs;
  const int fd = connectRaw(pacs.port());
  const char request[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_GT(::send(fd, request, sizeof(request) - 1, 0), 0);
  EXPECT_TRUE(closedByServerWithin(fd, std::chrono::seconds(2)));
  ::close(fd);
}

TEST(AssociationLimits, SurplusAssociationsGetATransientReject) {
  PacsHarness pacs([](config::GatewayConfig& c) { c.network.max_associations = 2; });
  std::vector<std::unique_ptr<TestScu>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<TestScu>(pacs.port()));
    held.back()->propose({UID_VerificationSOPClass}, kUncompressed);
    ASSERT_TRUE(held.back()->connect().good());
  }
  ASSERT_TRUE(eventually([&] { return pacs.service().activeAssociations() == 2; },
                         std::chrono::seconds(5)));
  const auto refused =
      tryAssociation(pacs.port(), "SCREENING_PACS", {UID_VerificationSOPClass}, kUncompressed);
  ASSERT_TRUE(refused.rejected) << refused.error;
  EXPECT_EQ(refused.result, ASC_RESULT_REJECTEDTRANSIENT);
  EXPECT_EQ(refused.reason, ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED);

  for (auto& scu : held) scu->releaseAssociation();
  ASSERT_TRUE(eventually([&] { return pacs.service().activeAssociations() == 0; },
                         std::chrono::seconds(5)));
  const auto later =
      tryAssociation(pacs.port(), "SCREENING_PACS", {UID_VerificationSOPClass}, kUncompressed);
  EXPECT_TRUE(later.accepted) << later.error;
}

class BrokenTransferTest : public ::testing::TestWithParam<Interruption> {};

TEST_P(BrokenTransferTest, LeavesNoFileAndNoRow) {
  PacsHarness pacs;
  ObjectSpec spec;
  spec.rows = 512;
  spec.columns = 512;
  auto ds = makeObject(spec);
  ASSERT_EQ(sendPartialStore(pacs.port(), *ds, 200 * 1024, GetParam()), "");
  // The worker notices the broken connection, removes the partial file and moves on.
  EXPECT_TRUE(eventually([&] { return pacs.service().activeAssociations() == 0; },
                         std::chrono::seconds(10)));
  EXPECT_TRUE(eventually([&] { return pacs.temporaryFileCount() == 0; }, std::chrono::seconds(10)));
  EXPECT_EQ(pacs.storedFileCount(), 0u);
  EXPECT_EQ(pacs.rowCount(), 0);

  // And the service still stores for everyone else.
  TestScu scu(pacs.port());
  scu.propose({UID_DigitalMammographyXRayImageStorageForPresentation}, kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  EXPECT_EQ(scu.store(*ds).status, dicom::status::kSuccess);
  scu.releaseAssociation();
  EXPECT_EQ(pacs.rowCount(), 1);
}

INSTANTIATE_TEST_SUITE_P(Ways, BrokenTransferTest,
                         ::testing::Values(Interruption::kDropConnection, Interruption::kAbort),
                         [](const auto& param_info) {
                           return param_info.param == Interruption::kAbort ? "Abort"
                                                                           : "DropConnection";
                         });

TEST(AssociationLimits, IdleAssociationIsDroppedAfterItsTimeout) {
  PacsHarness pacs(
      [](config::GatewayConfig& c) { c.network.idle_timeout = std::chrono::seconds(1); });
  TestScu scu(pacs.port());
  scu.propose({UID_VerificationSOPClass}, kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  ASSERT_TRUE(eventually([&] { return pacs.service().activeAssociations() == 1; },
                         std::chrono::seconds(5)));
  EXPECT_TRUE(eventually([&] { return pacs.service().activeAssociations() == 0; },
                         std::chrono::seconds(6)));
}

TEST(AssociationLimits, StopLetsAnIdleAssociationGoAndJoinsQuickly) {
  PacsHarness pacs;
  TestScu scu(pacs.port());
  scu.propose({UID_VerificationSOPClass}, kUncompressed);
  ASSERT_TRUE(scu.connect().good());
  const auto started = Clock::now();
  pacs.stop();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(4));
}

// What the admission thread sees of a connection until `deadline`: kIncomplete at the
// deadline means the request timed out. Peeks only, as the admission thread does.
dicom::RequestState waitForAssociationRequest(int fd, Clock::time_point deadline,
                                              std::size_t max_bytes) {
  for (int round = 0; round < 10000; ++round) {
    const auto state = dicom::inspectAssociationRequest(fd, max_bytes);
    if (state != dicom::RequestState::kIncomplete || Clock::now() >= deadline) return state;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return dicom::RequestState::kIncomplete;
}

// The request inspection itself, over a real loopback connection.
TEST(AssociationRequestGate, ReportsCompleteTimedOutClosedAndForeignRequests) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::uint16_t port = ntohs(addr.sin_port);
  auto pair = [&] {
    const int client = connectRaw(port);
    const int server = ::accept(listener, nullptr, nullptr);
    return std::make_pair(client, server);
  };
  auto deadline = [] { return Clock::now() + std::chrono::milliseconds(300); };
  using GateResult = dicom::RequestState;

  {  // A whole request: header announcing 10 bytes, then the 10 bytes, in two writes.
    auto [client, server] = pair();
    const unsigned char header[6] = {0x01, 0, 0, 0, 0, 10};
    const unsigned char body[10] = {0};
    ::send(client, header, 6, 0);
    std::thread late([client = client, &body] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ::send(client, body, 10, 0);
    });
    EXPECT_EQ(waitForAssociationRequest(server, deadline(), 1024), GateResult::kComplete);
    late.join();
    char peek[16];
    EXPECT_EQ(::recv(server, peek, sizeof(peek), MSG_DONTWAIT), 16);  // nothing consumed
    ::close(client);
    ::close(server);
  }
  {  // Half a request, then silence.
    auto [client, server] = pair();
    const unsigned char header[6] = {0x01, 0, 0, 0, 0, 10};
    ::send(client, header, 6, 0);
    EXPECT_EQ(waitForAssociationRequest(server, deadline(), 1024), GateResult::kIncomplete);
    ::close(client);
    ::close(server);
  }
  {  // Closed before a whole header.
    auto [client, server] = pair();
    ::send(client, "\x01\x00", 2, 0);
    ::close(client);
    EXPECT_EQ(waitForAssociationRequest(server, deadline(), 1024), GateResult::kClosed);
    ::close(server);
  }
  {  // Not an association request, and an oversized one.
    auto [client, server] = pair();
    ::send(client, "GET / ", 6, 0);
    EXPECT_EQ(waitForAssociationRequest(server, deadline(), 1024), GateResult::kNotDicom);
    ::close(client);
    ::close(server);
    auto [client2, server2] = pair();
    const unsigned char huge[6] = {0x01, 0, 0x01, 0, 0, 0};
    ::send(client2, huge, 6, 0);
    EXPECT_EQ(waitForAssociationRequest(server2, deadline(), 1024), GateResult::kTooLarge);
    ::close(client2);
    ::close(server2);
  }
  ::close(listener);
}

}  // namespace
}  // namespace gateway::test
