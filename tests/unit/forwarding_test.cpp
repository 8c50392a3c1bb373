// Store-and-forward and retention (ADR 0019) without a network: configuration, routing,
// dispositions and backoff, the durable queue and the retention plan, over a real index in
// a temp folder.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/config/config_loader.h"
#include "services/pacs/forward_queue.h"
#include "services/pacs/forward_routing.h"
#include "services/pacs/forward_sender.h"
#include "services/pacs/retention.h"
#include "services/pacs/storage_reconciler.h"
#include "services/pacs/storage_verifier.h"
#include "tests/support/storage_fixture.h"
#include "tests/support/temp_dir.h"

namespace gateway::pacs {
namespace {

using config::ForwardType;

std::string problemsOf(const config::ConfigSources& sources) {
  try {
    config::loadConfig(sources);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

config::ConfigSources yamlSource(const test::TempDir& dir, const std::string& text) {
  const auto path = dir / "gateway.yaml";
  std::ofstream(path) << text;
  config::ConfigSources sources;
  sources.yaml_file = path;
  return sources;
}

TEST(ForwardConfig, ReadsTheYamlListOfDestinations) {
  test::TempDir dir;
  const auto c = config::loadConfig(yamlSource(dir, R"(
forward:
  - name: central
    type: dicom
    ae_title: CENTRAL_PACS
    host: 10.1.2.3
    port: 104
    max_associations: 2
    modalities: [MG]
  - name: cloud
    type: stow
    url: https://cloud.example/dicom-web/studies
    token_file: /run/secrets/stow
    calling_aets: [MAMMO_1]
forward_retry_max_delay: 120
)"));
  ASSERT_EQ(c.forward.destinations.size(), 2u);
  const auto& central = c.forward.destinations[0];
  EXPECT_EQ(central.name, "central");
  EXPECT_EQ(central.type, ForwardType::kDicom);
  EXPECT_EQ(central.ae_title, "CENTRAL_PACS");
  EXPECT_EQ(central.host, "10.1.2.3");
  EXPECT_EQ(central.port, 104);
  EXPECT_EQ(central.max_associations, 2);
  EXPECT_EQ(central.modalities, std::vector<std::string>{"MG"});
  const auto& cloud = c.forward.destinations[1];
  EXPECT_EQ(cloud.type, ForwardType::kStow);
  EXPECT_EQ(cloud.url, "https://cloud.example/dicom-web/studies");
  EXPECT_EQ(cloud.token_file, "/run/secrets/stow");
  EXPECT_EQ(cloud.calling_aets, std::vector<std::string>{"MAMMO_1"});
  EXPECT_EQ(c.forward.retry_max_delay, std::chrono::seconds(120));
}

TEST(ForwardConfig, NamesEveryProblemOfTheList) {
  test::TempDir dir;
  const std::string problems = problemsOf(yamlSource(dir, R"(
forward:
  - name: a
    type: dicom
    host: archive
  - name: a
    type: stow
    url: ftp://nope
    port: 104
  - name: bad name!
    type: carrier-pigeon
    colour: blue
)"));
  EXPECT_NE(problems.find("a dicom destination needs ae_title"), std::string::npos) << problems;
  EXPECT_NE(problems.find("a dicom destination needs port"), std::string::npos) << problems;
  EXPECT_NE(problems.find("names must be unique"), std::string::npos) << problems;
  EXPECT_NE(problems.find("forward[1].url: is not an http:// or https:// URL"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("forward[1].port: is for a dicom destination"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("forward[2].name"), std::string::npos) << problems;
  EXPECT_NE(problems.find("'carrier-pigeon' is not dicom or stow"), std::string::npos) << problems;
  EXPECT_NE(problems.find("unknown key 'colour'"), std::string::npos) << problems;
}

TEST(ForwardConfig, TheEnvironmentShortcutsMakeNamedDestinations) {
  config::ConfigSources sources;
  sources.environment = {
      {"FORWARD_DICOM", "ARCHIVE@127.0.0.5:11112"},
      {"FORWARD_STOW_URL", "http://user:secret@127.0.0.1:8042/dicom-web/studies"},
      {"FORWARD_STOW_TOKEN", "t0ken-value"}};
  const auto c = config::loadConfig(sources);
  ASSERT_EQ(c.forward.destinations.size(), 2u);
  EXPECT_EQ(c.forward.destinations[0].name, "dicom");
  EXPECT_EQ(c.forward.destinations[0].ae_title, "ARCHIVE");
  EXPECT_EQ(c.forward.destinations[0].port, 11112);
  EXPECT_EQ(c.forward.destinations[1].name, "stow");
  EXPECT_EQ(c.forward.destinations[1].token, "t0ken-value");
  // What the start-up log shows: neither the token nor the URL's password.
  for (const auto& [key, value] : config::describe(c)) {
    EXPECT_EQ(value.find("t0ken-value"), std::string::npos) << key;
    EXPECT_EQ(value.find("secret"), std::string::npos) << key;
  }
  EXPECT_EQ(c.forward.destinations[1].endpoint(), "http://127.0.0.1:8042/dicom-web/studies");
}

TEST(ForwardConfig, RefusesBadShortcuts) {
  config::ConfigSources sources;
  sources.environment = {{"FORWARD_DICOM", "127.0.0.1:104"},
                         {"FORWARD_STOW_TOKEN_FILE", "/run/secrets/token"}};
  const std::string problems = problemsOf(sources);
  EXPECT_NE(problems.find("FORWARD_DICOM: '127.0.0.1:104' is not AE@host:port"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("need FORWARD_STOW_URL"), std::string::npos) << problems;
}

TEST(ForwardConfig, TlsToADestinationNeedsACaToVerifyIt) {
  test::TempDir dir;
  const std::string problems = problemsOf(yamlSource(dir, R"(
forward:
  - {name: central, type: dicom, ae_title: C, host: h, port: 2762, tls: true}
)"));
  EXPECT_NE(problems.find("forward destination central uses TLS"), std::string::npos) << problems;
}

TEST(UrlWithoutCredentials, DropsUserAndPasswordOnly) {
  EXPECT_EQ(config::urlWithoutCredentials("https://u:p@host:1/a/b?x=@y"),
            "https://host:1/a/b?x=@y");
  EXPECT_EQ(config::urlWithoutCredentials("http://host/studies"), "http://host/studies");
}

TEST(ForwardRouting, EveryFilterOfADestinationMustMatch) {
  config::ForwardDestination all;
  all.name = "all";
  config::ForwardDestination mg_from_room1;
  mg_from_room1.name = "mg1";
  mg_from_room1.modalities = {"MG"};
  mg_from_room1.calling_aets = {"ROOM1"};
  config::ForwardDestination sr_only;
  sr_only.name = "sr";
  sr_only.sop_classes = {"1.2.840.10008.5.1.4.1.1.88.22"};
  const ForwardRouting routing({all, mg_from_room1, sr_only});

  InstanceMetadata mg;
  mg.modality = "MG";
  mg.sop_class_uid = "1.2.840.10008.5.1.4.1.1.1.2";
  EXPECT_EQ(routing.destinationsFor(mg, "ROOM1"), (std::vector<std::string>{"all", "mg1"}));
  EXPECT_EQ(routing.destinationsFor(mg, "ROOM2"), (std::vector<std::string>{"all"}));
  InstanceMetadata sr;
  sr.modality = "SR";
  sr.sop_class_uid = "1.2.840.10008.5.1.4.1.1.88.22";
  EXPECT_EQ(routing.destinationsFor(sr, "ROOM1"), (std::vector<std::string>{"all", "sr"}));
  EXPECT_TRUE(ForwardRouting().destinationsFor(mg, "ROOM1").empty());
}

TEST(ForwardDisposition, SortsDimseStatusesIntoSentRetryAndFailed) {
  EXPECT_EQ(dispositionOfDimseStatus(0x0000), ForwardDisposition::kSent);
  EXPECT_EQ(dispositionOfDimseStatus(0xB000), ForwardDisposition::kSent);  // coercion warning
  EXPECT_EQ(dispositionOfDimseStatus(0x0111), ForwardDisposition::kSent);  // already held
  EXPECT_EQ(dispositionOfDimseStatus(0xA700), ForwardDisposition::kRetry);
  EXPECT_EQ(dispositionOfDimseStatus(0xA7FF), ForwardDisposition::kRetry);
  EXPECT_EQ(dispositionOfDimseStatus(0x0110), ForwardDisposition::kRetry);
  EXPECT_EQ(dispositionOfDimseStatus(0xA900), ForwardDisposition::kFailed);
  EXPECT_EQ(dispositionOfDimseStatus(0xC000), ForwardDisposition::kFailed);
  EXPECT_EQ(dispositionOfDimseStatus(0xC123), ForwardDisposition::kFailed);
  EXPECT_EQ(dispositionOfDimseStatus(0x0122), ForwardDisposition::kFailed);
  EXPECT_EQ(dispositionOfDimseStatus(0x0124), ForwardDisposition::kFailed);
}

TEST(ForwardDisposition, SortsHttpStatuses) {
  EXPECT_EQ(dispositionOfHttpStatus(200), ForwardDisposition::kSent);
  EXPECT_EQ(dispositionOfHttpStatus(202), ForwardDisposition::kSent);
  for (const int transient : {408, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(dispositionOfHttpStatus(transient), ForwardDisposition::kRetry) << transient;
  }
  for (const int permanent : {301, 400, 401, 403, 404, 409, 413, 415}) {
    EXPECT_EQ(dispositionOfHttpStatus(permanent), ForwardDisposition::kFailed) << permanent;
  }
}

TEST(ForwardBackoff, DoublesFromOneSecondUpToTheCapWithJitter) {
  EXPECT_DOUBLE_EQ(backoffSeconds(1, 600, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(backoffSeconds(2, 600, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(backoffSeconds(5, 600, 0.5), 16.0);
  EXPECT_DOUBLE_EQ(backoffSeconds(40, 600, 0.5), 600.0);
  EXPECT_DOUBLE_EQ(backoffSeconds(3, 600, 0.0), 4.0 * 0.8);
  EXPECT_DOUBLE_EQ(backoffSeconds(3, 600, 1.0), 4.0 * 1.2);
  EXPECT_DOUBLE_EQ(backoffSeconds(40, 600, 1.0), 600.0);  // the cap holds with jitter too
  EXPECT_DOUBLE_EQ(backoffSeconds(0, 600, 0.5), 1.0);
}

// An instance stored and queued for `destinations`, as the archiver leaves it.
std::string storeQueued(test::StorageFixture& s, const std::vector<std::string>& destinations,
                        const std::string& accession = "ACC-0001") {
  const std::string uid = s.storeIndexed(accession);
  s.index().upsert(s.row(uid), destinations);
  return uid;
}

void backdate(const std::filesystem::path& db, const std::string& uid, int days) {
  SQLite::Database database(db.string(), SQLite::OPEN_READWRITE);
  SQLite::Statement update(database,
                           "UPDATE stored_instances SET created_at = datetime('now', ?) WHERE "
                           "sop_instance_uid = ?");
  update.bind(1, "-" + std::to_string(days) + " days");
  update.bind(2, uid);
  update.exec();
}

TEST(ForwardQueue, RowsGoInWithTheIndexRowAndAreClaimedInArrivalOrder) {
  test::StorageFixture s;
  const std::string first = storeQueued(s, {"central", "cloud"}, "ACC-1");
  const std::string second = storeQueued(s, {"central"}, "ACC-2");
  ForwardQueue queue(s.dbPath());
  const auto claimed = queue.claim("central", 10, 1e12);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].sop_instance_uid, first);
  EXPECT_EQ(claimed[1].sop_instance_uid, second);
  EXPECT_EQ(claimed[0].storage_path, s.row(first).storage_path);
  EXPECT_EQ(claimed[0].instance_status, "STORED");
  EXPECT_TRUE(queue.claim("central", 10, 1e12).empty());  // SENDING now
  EXPECT_EQ(queue.claim("cloud", 10, 1e12).size(), 1u);

  queue.markSent({claimed[0].id});
  queue.markRetry(claimed[1].id, "unreachable: refused", 5000.0);
  const auto sent = queue.list({"SENT", "central", "", 10});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].attempts, 1);
  EXPECT_FALSE(sent[0].sent_at.empty());
  EXPECT_EQ(sent[0].accession_number, "ACC-1");
  EXPECT_EQ(queue.nextDue("central"), 5000.0);
  EXPECT_TRUE(queue.claim("central", 10, 4999.0).empty());  // not due yet
  EXPECT_EQ(queue.claim("central", 10, 5000.0).size(), 1u);

  // A restart: what was being sent is due again, the attempts it had are kept.
  EXPECT_EQ(queue.resumeInterrupted(), 2);  // central's retried row and cloud's row
  const auto pending = queue.list({"PENDING", "", "", 10});
  EXPECT_EQ(pending.size(), 2u);
  const auto backlog = queue.backlog();
  ASSERT_EQ(backlog.size(), 2u);
  EXPECT_EQ(backlog[0].destination, "central");
  EXPECT_EQ(backlog[0].pending, 1);
  EXPECT_EQ(backlog[0].sent, 1);
  EXPECT_EQ(backlog[0].last_error, "unreachable: refused");
  EXPECT_FALSE(backlog[0].oldest_unsent_queued_at.empty());
}

TEST(ForwardQueue, AStoredInstanceIsQueuedOncePerDestinationUnlessReplaced) {
  test::StorageFixture s;
  const std::string uid = storeQueued(s, {"central"});
  ForwardQueue queue(s.dbPath());
  const auto claimed = queue.claim("central", 10, 1e12);
  queue.markSent({claimed.at(0).id});
  s.index().upsert(s.row(uid), {"central"});  // the same object again: stays SENT
  EXPECT_EQ(queue.list({"SENT", "", "", 10}).size(), 1u);
  s.index().upsert(s.row(uid), {"central"}, true);  // replaced by other bytes: out again
  const auto rows = queue.list({"", "", "", 10});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "PENDING");
  EXPECT_EQ(rows[0].attempts, 0);
}

TEST(ForwardQueue, RetryMakesWaitingRowsDueAndRequeuesFailedOnes) {
  test::StorageFixture s;
  storeQueued(s, {"central"});
  storeQueued(s, {"central"});
  storeQueued(s, {"cloud"});
  ForwardQueue queue(s.dbPath());
  const auto central = queue.claim("central", 10, 1e12);
  queue.markRetry(central.at(0).id, "timeout", 1e12);
  queue.markFailed(central.at(1).id, "C-STORE status 0xA900");
  EXPECT_EQ(queue.retryNow("central", false), 1);  // the waiting one
  EXPECT_EQ(queue.claim("central", 10, 1.0).size(), 1u);
  EXPECT_FALSE(queue.hasForcedRetry("cloud"));
  EXPECT_EQ(queue.retryNow("cloud", true), 1);  // cloud's pending row, nothing of central's
  EXPECT_TRUE(queue.hasForcedRetry("cloud"));
  EXPECT_EQ(queue.list({"FAILED", "", "", 10}).size(), 1u);
  EXPECT_EQ(queue.retryNow("", true), 2);  // the failed one, and cloud's again
  EXPECT_TRUE(queue.list({"FAILED", "", "", 10}).empty());
}

TEST(Retention, PurgesOnlyOldInstancesThatEveryDestinationHas) {
  test::StorageFixture s;
  const std::string forwarded_old = storeQueued(s, {"central", "cloud"});
  const std::string half_forwarded_old = storeQueued(s, {"central", "cloud"});
  const std::string never_queued_old = s.storeIndexed();
  const std::string forwarded_new = storeQueued(s, {"central"});
  ForwardQueue queue(s.dbPath());
  std::vector<std::int64_t> sent;
  for (const auto& item : queue.claim("central", 10, 1e12)) sent.push_back(item.id);
  for (const auto& item : queue.claim("cloud", 10, 1e12)) {
    if (item.sop_instance_uid == forwarded_old) sent.push_back(item.id);
  }
  queue.markSent(sent);
  for (const auto& uid : {forwarded_old, half_forwarded_old, never_queued_old}) {
    backdate(s.dbPath(), uid, 40);
  }

  const RetentionPolicy policy{30, 0};
  const auto plan =
      planRetention(s.index(), s.store(), policy, statvfsProbe(), std::chrono::system_clock::now());
  ASSERT_EQ(plan.purge.size(), 1u);
  EXPECT_EQ(plan.purge[0].sop_instance_uid, forwarded_old);
  EXPECT_EQ(plan.purge[0].reason, "age");
  EXPECT_EQ(plan.old_unforwarded_kept, 2);
  EXPECT_NE(toJson(plan, policy).find("\"purge_count\":1"), std::string::npos);

  const auto file = s.fileOf(forwarded_old);
  const auto report = applyRetention(s.index(), s.store(), plan);
  EXPECT_EQ(report.purged, 1);
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(s.row(forwarded_old).status, "PURGED");
  for (const auto& uid : {half_forwarded_old, never_queued_old, forwarded_new}) {
    EXPECT_EQ(s.row(uid).status, "STORED");
    EXPECT_TRUE(std::filesystem::exists(s.fileOf(uid)));
  }
  EXPECT_EQ(s.index().purgedCount(), 1);

  // verify-storage and start-up reconciliation know a purged row has no file on purpose.
  const auto verified = verifyStorage(s.store(), s.index());
  EXPECT_TRUE(verified.ok());
  EXPECT_EQ(verified.purged, 1);
  EXPECT_NE(toText(verified).find("1 instance(s) purged by retention"), std::string::npos);
  const auto reconciled = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(reconciled.rows_missing, 0u);
  EXPECT_EQ(s.row(forwarded_old).status, "PURGED");
}

TEST(Retention, TheHighWaterMarkPurgesTheOldestForwardedUntilTheShortfallIsMet) {
  test::StorageFixture s;
  std::vector<std::string> forwarded;
  for (int i = 0; i < 4; ++i) forwarded.push_back(storeQueued(s, {"central"}));
  const std::string unforwarded = storeQueued(s, {"central"});
  ForwardQueue queue(s.dbPath());
  std::vector<std::int64_t> sent;
  for (const auto& item : queue.claim("central", 10, 1e12)) {
    if (item.sop_instance_uid != unforwarded) sent.push_back(item.id);
  }
  queue.markSent(sent);
  backdate(s.dbPath(), unforwarded, 10);  // the oldest of all, but not forwarded
  for (int i = 0; i < 4; ++i) backdate(s.dbPath(), forwarded[static_cast<std::size_t>(i)], 4 - i);
  const std::int64_t size = s.row(forwarded[0]).file_size;

  // 10% wanted free, and just under two objects' worth short of it.
  const auto object = static_cast<std::uint64_t>(size);
  const std::uint64_t capacity = 10000 * object;
  const std::uint64_t available = 1000 * object - (2 * object - 10);
  const DiskProbe almost_full = [&](const std::filesystem::path&) {
    return std::optional<DiskSpace>(DiskSpace{capacity, available});
  };
  const RetentionPolicy policy{0, 10};
  const auto plan =
      planRetention(s.index(), s.store(), policy, almost_full, std::chrono::system_clock::now());
  ASSERT_EQ(plan.purge.size(), 2u);
  EXPECT_EQ(plan.purge[0].sop_instance_uid, forwarded[0]);  // oldest forwarded first
  EXPECT_EQ(plan.purge[1].sop_instance_uid, forwarded[1]);
  EXPECT_EQ(plan.purge[0].reason, "free_space");
  EXPECT_FALSE(plan.free_space_low);

  // A disk far too full: every forwarded one is planned, the unforwarded one never.
  const DiskProbe full = [&](const std::filesystem::path&) {
    return std::optional<DiskSpace>(DiskSpace{capacity, 0});
  };
  const auto desperate =
      planRetention(s.index(), s.store(), policy, full, std::chrono::system_clock::now());
  EXPECT_EQ(desperate.purge.size(), 4u);
  EXPECT_TRUE(desperate.free_space_low);
  for (const auto& c : desperate.purge) EXPECT_NE(c.sop_instance_uid, unforwarded);
  runRetention(s.index(), s.store(), policy, full);
  EXPECT_EQ(s.row(unforwarded).status, "STORED");
  EXPECT_TRUE(std::filesystem::exists(s.fileOf(unforwarded)));
  EXPECT_EQ(s.index().purgedCount(), 4);
}

TEST(Retention, AnInstanceRequeuedSincePlannedIsNotPurged) {
  test::StorageFixture s;
  const std::string uid = storeQueued(s, {"central"});
  ForwardQueue queue(s.dbPath());
  queue.markSent({queue.claim("central", 10, 1e12).at(0).id});
  backdate(s.dbPath(), uid, 40);
  const RetentionPolicy policy{30, 0};
  const auto plan =
      planRetention(s.index(), s.store(), policy, statvfsProbe(), std::chrono::system_clock::now());
  ASSERT_EQ(plan.purge.size(), 1u);
  s.index().upsert(s.row(uid), {"central"}, true);  // replaced meanwhile: PENDING again
  const auto report = applyRetention(s.index(), s.store(), plan);
  EXPECT_EQ(report.purged, 0);
  EXPECT_EQ(report.skipped, 1);
  EXPECT_TRUE(std::filesystem::exists(s.fileOf(uid)));
}

TEST(Retention, ReconciliationFinishesAPurgeACrashInterrupted) {
  test::StorageFixture s;
  const std::string uid = storeQueued(s, {"central"});
  ForwardQueue queue(s.dbPath());
  queue.markSent({queue.claim("central", 10, 1e12).at(0).id});
  ASSERT_TRUE(s.index().markPurged(uid));  // the row is marked, the file not yet removed
  ASSERT_TRUE(std::filesystem::exists(s.fileOf(uid)));
  reconcileStorage(s.store(), s.index());
  EXPECT_FALSE(std::filesystem::exists(s.fileOf(uid)));
  EXPECT_EQ(s.row(uid).status, "PURGED");
}

}  // namespace
}  // namespace gateway::pacs
