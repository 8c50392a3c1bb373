// Start-up reconciliation (ADR 0004) over a temp file store and index, without a network:
// what a crash can leave, and what reconcileStorage makes of it.
#include "services/pacs/storage_reconciler.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/crypto/sha256.h"
#include "services/pacs/storage_path.h"
#include "tests/support/storage_fixture.h"

namespace gateway::pacs {
namespace {

namespace fs = std::filesystem;

TEST(StorageReconciler, LeavesAnAgreeingStoreAlone) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  const auto before = s.row(uid);
  const auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.temporary_files_removed, 0u);
  EXPECT_EQ(report.files_indexed, 0u);
  EXPECT_EQ(report.rows_missing, 0u);
  EXPECT_EQ(report.rows_restored, 0u);
  EXPECT_EQ(report.foreign_files, 0u);
  EXPECT_EQ(s.row(uid).status, "STORED");
  EXPECT_EQ(s.row(uid).storage_hash, before.storage_hash);
}

TEST(StorageReconciler, RemovesLeftoverTemporaryFiles) {
  test::StorageFixture s;
  const fs::path incoming = s.root() / FileStore::kIncomingDir;
  std::ofstream(incoming / "a.part") << "half an object";
  std::ofstream(incoming / "b.part") << "another half";
  const auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.temporary_files_removed, 2u);
  EXPECT_TRUE(fs::is_empty(incoming));
  EXPECT_EQ(report.files_indexed, 0u);  // temporaries are never indexed
  EXPECT_EQ(s.index().count(), 0);
}

TEST(StorageReconciler, IndexesAFileThatHasNoRow) {
  test::StorageFixture s;
  const std::string uid = s.writeFile("ACC-7");  // fsynced and renamed, then the crash
  const auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.files_indexed, 1u);
  const auto row = s.row(uid);
  EXPECT_EQ(row.storage_path, storagePathFor(uid));
  EXPECT_EQ(row.storage_hash, crypto::sha256OfFile(s.fileOf(uid)).value());
  EXPECT_EQ(row.file_size, static_cast<std::int64_t>(fs::file_size(s.fileOf(uid))));
  EXPECT_EQ(row.metadata.accession_number, "ACC-7");
  EXPECT_EQ(row.status, "STORED");
  EXPECT_EQ(reconcileStorage(s.store(), s.index()).files_indexed, 0u);  // once only
}

TEST(StorageReconciler, MarksARowWithoutItsFileMissingAndRestoresItWhenItIsBack) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  const fs::path file = s.fileOf(uid);
  const fs::path aside = s.root() / "aside.bin";
  fs::rename(file, aside);
  auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.rows_missing, 1u);
  EXPECT_EQ(s.row(uid).status, "MISSING");
  EXPECT_EQ(reconcileStorage(s.store(), s.index()).rows_missing, 0u);  // counted once

  fs::rename(aside, file);
  report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.rows_restored, 1u);
  EXPECT_EQ(s.row(uid).status, "STORED");
}

TEST(StorageReconciler, LeavesForeignFilesInPlace) {
  test::StorageFixture s;
  // Not a storage path at all; a path of the right shape holding no DICOM; an object at
  // another UID's path.
  std::ofstream(s.root() / "README.txt") << "notes";
  const fs::path shaped = s.store().absolute(storagePathFor("1.2.3.4.5"));
  fs::create_directories(shaped.parent_path());
  std::ofstream(shaped) << "not DICOM";
  const std::string uid = s.writeFile();
  const fs::path elsewhere = s.store().absolute(storagePathFor("1.2.3.4.6"));
  fs::create_directories(elsewhere.parent_path());
  fs::rename(s.fileOf(uid), elsewhere);

  const auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.foreign_files, 3u);
  EXPECT_EQ(report.files_indexed, 0u);
  EXPECT_EQ(s.index().count(), 0);
  EXPECT_TRUE(fs::exists(s.root() / "README.txt"));
  EXPECT_TRUE(fs::exists(shaped));
  EXPECT_TRUE(fs::exists(elsewhere));
}

TEST(StorageReconciler, ReReadsTheMetadataOfRowsIndexedByAnOlderExtraction) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  const std::string current = s.storeIndexed("ACC-2");
  // As a version 3 index left it: no Query/Retrieve attributes, metadata version 1.
  StoredInstance old = s.row(uid);
  old.metadata.study_time.clear();
  old.metadata.patient_birth_date.clear();
  old.metadata.patient_sex.clear();
  old.metadata_version = 1;
  s.index().upsert(old);
  const auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.metadata_refreshed, 1u);
  EXPECT_EQ(report.metadata_unreadable, 0u);
  const auto row = s.row(uid);
  EXPECT_EQ(row.metadata_version, kMetadataVersion);
  EXPECT_EQ(row.metadata.study_time, "093000");  // read again from the file
  EXPECT_EQ(row.metadata.patient_birth_date, "19700101");
  EXPECT_EQ(row.metadata.patient_sex, "F");
  EXPECT_EQ(row.storage_hash, old.storage_hash);  // nothing else changes
  EXPECT_EQ(s.row(current).metadata_version, kMetadataVersion);
  EXPECT_EQ(reconcileStorage(s.store(), s.index()).metadata_refreshed, 0u);  // once only
}

TEST(StorageReconciler, CountsAnOldRowWhoseFileNoLongerParses) {
  test::StorageFixture s;
  const std::string uid = s.storeIndexed();
  StoredInstance old = s.row(uid);
  old.metadata_version = 1;
  s.index().upsert(old);
  std::ofstream(s.fileOf(uid), std::ios::trunc) << "not DICOM any more";
  const auto report = reconcileStorage(s.store(), s.index());
  EXPECT_EQ(report.metadata_refreshed, 0u);
  EXPECT_EQ(report.metadata_unreadable, 1u);
  EXPECT_EQ(s.row(uid).metadata_version, 1);  // tried again at the next start
}

}  // namespace
}  // namespace gateway::pacs
