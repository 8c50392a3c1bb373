// verify-storage's decisions over a temp file store and index: every kind of problem it
// reports, and that it changes nothing.
#include "services/pacs/storage_verifier.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/crypto/sha256.h"
#include "services/pacs/storage_path.h"
#include "tests/support/storage_fixture.h"

namespace gateway::pacs {
namespace {

namespace fs = std::filesystem;

const VerifyProblem* problemFor(const VerifyReport& report, const std::string& storage_path) {
  for (const auto& p : report.problems) {
    if (p.storage_path == storage_path) return &p;
  }
  return nullptr;
}

TEST(StorageVerifier, PassesAnIntactStore) {
  test::StorageFixture s;
  s.storeIndexed();
  s.storeIndexed();
  const auto report = verifyStorage(s.store(), s.index());
  EXPECT_TRUE(report.ok()) << toText(report);
  EXPECT_EQ(report.rows_checked, 2);
  EXPECT_EQ(report.files_ok, 2);
  EXPECT_GT(report.bytes_hashed, 0u);
}

TEST(StorageVerifier, ReportsAMissingFile) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  fs::remove(s.fileOf(uid));
  const auto report = verifyStorage(s.store(), s.index());
  ASSERT_EQ(report.problems.size(), 1u) << toText(report);
  EXPECT_EQ(report.problems[0].kind, "missing");
  EXPECT_EQ(report.problems[0].storage_path, storagePathFor(uid));
  EXPECT_EQ(report.problems[0].sop_instance_uid, uid);
  EXPECT_EQ(report.files_ok, 0);
}

TEST(StorageVerifier, ReportsACorruptFile) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  const auto size = fs::file_size(s.fileOf(uid));
  {
    std::fstream file(s.fileOf(uid), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size - 1));
    file.put('\x5a');  // one flipped byte, same size
  }
  const auto report = verifyStorage(s.store(), s.index());
  ASSERT_EQ(report.problems.size(), 1u) << toText(report);
  EXPECT_EQ(report.problems[0].kind, "corrupt");
  EXPECT_EQ(report.problems[0].sop_instance_uid, uid);
  EXPECT_NE(report.problems[0].detail.find(s.row(uid).storage_hash), std::string::npos);
}

TEST(StorageVerifier, ReportsASizeMismatch) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  StoredInstance row = s.row(uid);
  row.file_size += 10;  // the hash still matches: only the recorded size is wrong
  s.index().upsert(row);
  const auto report = verifyStorage(s.store(), s.index());
  ASSERT_EQ(report.problems.size(), 1u) << toText(report);
  EXPECT_EQ(report.problems[0].kind, "size_mismatch");
  EXPECT_NE(report.problems[0].detail.find("!= indexed " + std::to_string(row.file_size)),
            std::string::npos)
      << report.problems[0].detail;
}

TEST(StorageVerifier, ReportsAnOrphanFileAndChangesNothing) {
  test::StorageFixture s;
  const std::string kept = s.storeIndexed();
  const std::string orphan = s.writeFile();  // no row
  const auto report = verifyStorage(s.store(), s.index());
  ASSERT_EQ(report.problems.size(), 1u) << toText(report);
  const auto* problem = problemFor(report, storagePathFor(orphan));
  ASSERT_NE(problem, nullptr);
  EXPECT_EQ(problem->kind, "orphan");
  EXPECT_EQ(problem->sop_instance_uid, "");
  EXPECT_EQ(report.files_ok, 1);
  EXPECT_EQ(s.index().count(), 1);  // read-only: the orphan is not indexed
  EXPECT_TRUE(fs::exists(s.fileOf(orphan)));
  EXPECT_EQ(s.row(kept).status, "STORED");
}

TEST(StorageVerifier, ReportsEveryProblemAtOnce) {
  test::StorageFixture s;
  s.storeIndexed();
  const std::string gone = s.storeIndexed();
  fs::remove(s.fileOf(gone));
  const std::string orphan = s.writeFile();
  const auto report = verifyStorage(s.store(), s.index());
  EXPECT_EQ(report.problems.size(), 2u);
  EXPECT_FALSE(report.ok());
  const std::string text = toText(report);
  EXPECT_NE(text.find("missing\t" + storagePathFor(gone) + "\t" + gone), std::string::npos) << text;
  EXPECT_NE(text.find("orphan\t" + storagePathFor(orphan) + "\t-"), std::string::npos) << text;
  EXPECT_NE(text.find("checked 2 indexed files, 1 ok, 2 problem(s)"), std::string::npos) << text;
}

TEST(StorageVerifier, ReportsAFileWhoseHashMatchesButThatCannotBeParsed) {
  // What an older gateway acknowledged: an object cut inside its Pixel Data, indexed with
  // the hash of what arrived. The hash alone says "ok"; the structure says otherwise.
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  const auto path = s.fileOf(uid);
  fs::resize_file(path, fs::file_size(path) - 100);
  auto row = s.row(uid);
  row.storage_hash = crypto::sha256OfFile(path).value();
  row.file_size = static_cast<std::int64_t>(fs::file_size(path));
  s.index().upsert(row);
  const auto report = verifyStorage(s.store(), s.index());
  ASSERT_EQ(report.problems.size(), 1u) << toText(report);
  EXPECT_EQ(report.problems[0].kind, "unreadable");
  EXPECT_NE(report.problems[0].detail.find("dataset truncated in (7FE0,0010)"), std::string::npos)
      << report.problems[0].detail;
  EXPECT_NE(toJson(report).find("\"unreadable\""), std::string::npos);
}

TEST(StorageVerifier, ListsFlaggedInstancesWithoutCallingThemProblems) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  auto row = s.row(uid);
  row.flags = "no_patient_id";
  s.index().upsert(row);
  const auto report = verifyStorage(s.store(), s.index());
  EXPECT_TRUE(report.ok());
  ASSERT_EQ(report.flagged.size(), 1u);
  EXPECT_EQ(report.flagged[0].flags, "no_patient_id");
  EXPECT_NE(toText(report).find("1 stored instance(s) flagged"), std::string::npos);
}

}  // namespace
}  // namespace gateway::pacs
