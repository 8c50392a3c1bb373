// The archiver's decisions (store, duplicate, collision) over a real temp folder and SQLite
// file, without any network.
#include "services/pacs/instance_archiver.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include "common/crypto/sha256.h"
#include "common/dicom/dimse_status.h"
#include "services/pacs/storage_path.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace gateway::pacs {
namespace {

using test::TempDir;

class ArchiverTest : public ::testing::Test {
 protected:
  ArchiverTest()
      : store_(dir_ / "storage"),
        index_(dir_ / "pacs.db"),
        archiver_(store_, index_, config::DuplicatePolicy::kKeepFirst) {}

  // A received object as the SCP would hand it over: a Part 10 file in .incoming.
  ReceivedObject received(const std::string& uid) {
    test::ObjectSpec spec;
    spec.sop_instance_uid = uid;
    auto ds = test::makeObject(spec);
    ReceivedObject object;
    object.file = store_.createTemp();
    DcmFileFormat format(ds.get());
    EXPECT_TRUE(format.saveFile(object.file->path().c_str(), EXS_LittleEndianExplicit).good());
    object.storage_hash = crypto::sha256OfFile(object.file->path()).value();
    object.file_size = std::filesystem::file_size(object.file->path());
    object.command_sop_class_uid = spec.sop_class_uid;
    object.command_sop_instance_uid = uid;
    object.calling_aet = "MODALITY";
    return object;
  }

  TempDir dir_;
  FileStore store_;
  InstanceIndex index_;
  InstanceArchiver archiver_;
};

TEST_F(ArchiverTest, StoresANewObjectAtItsHashPathAndIndexesIt) {
  const std::string uid = test::newUid();
  auto object = received(uid);
  const auto temp_path = object.file->path();
  const auto outcome = archiver_.archive(object);
  EXPECT_EQ(outcome.result, ArchiveResult::kStored);
  EXPECT_EQ(outcome.dimse_status, dicom::status::kSuccess);
  EXPECT_TRUE(std::filesystem::exists(store_.absolute(storagePathFor(uid))));
  EXPECT_FALSE(std::filesystem::exists(temp_path));
  const auto row = index_.findByUid(uid);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->source_aet, "MODALITY");
  EXPECT_EQ(row->storage_hash, object.storage_hash);
}

TEST_F(ArchiverTest, RefusesAPathHeldByAnotherUidInTheIndex) {
  const std::string uid = test::newUid();
  // Another UID already indexed at the very path this UID hashes to (a 64-bit prefix
  // collision, forged here since a real one is astronomically rare).
  StoredInstance other;
  other.metadata.sop_instance_uid = "1.2.3.999";
  other.storage_path = storagePathFor(uid);
  other.storage_hash = "00";
  index_.upsert(other);
  {
    auto object = received(uid);
    const auto outcome = archiver_.archive(object);
    EXPECT_EQ(outcome.result, ArchiveResult::kCollision);
    EXPECT_EQ(outcome.dimse_status, dicom::status::kProcessingFailure);
  }  // the refused object's temporary file goes with it
  EXPECT_FALSE(index_.findByUid(uid).has_value());
  EXPECT_FALSE(std::filesystem::exists(store_.absolute(storagePathFor(uid))));
  EXPECT_EQ(test::countFiles(store_.root() / FileStore::kIncomingDir), 0u);
}

TEST_F(ArchiverTest, NeverOverwritesAnUnindexedFileOfAnotherUid) {
  const std::string uid = test::newUid();
  const std::string stranger = test::newUid();
  // Put the stranger's object at our UID's path, without a row.
  auto planted = received(stranger);
  const auto path = store_.absolute(storagePathFor(uid));
  std::filesystem::create_directories(path.parent_path());
  std::filesystem::copy_file(planted.file->path(), path);
  const std::string planted_hash = crypto::sha256OfFile(path).value();

  auto object = received(uid);
  EXPECT_EQ(archiver_.archive(object).result, ArchiveResult::kCollision);
  EXPECT_EQ(crypto::sha256OfFile(path).value(), planted_hash);  // untouched
  EXPECT_FALSE(index_.findByUid(uid).has_value());
}

TEST_F(ArchiverTest, TakesOverAnUnindexedCopyOfTheSameUid) {
  // What a crash between rename and index leaves behind: the same object, no row.
  const std::string uid = test::newUid();
  auto first = received(uid);
  const auto path = store_.absolute(storagePathFor(uid));
  std::filesystem::create_directories(path.parent_path());
  std::filesystem::copy_file(first.file->path(), path);
  auto object = received(uid);
  EXPECT_EQ(archiver_.archive(object).result, ArchiveResult::kStored);
  EXPECT_TRUE(index_.findByUid(uid).has_value());
}

TEST_F(ArchiverTest, KeepsTheFirstCopyOfADuplicate) {
  const std::string uid = test::newUid();
  auto first = received(uid);
  ASSERT_EQ(archiver_.archive(first).result, ArchiveResult::kStored);
  auto again = received(uid);
  const auto outcome = archiver_.archive(again);
  EXPECT_EQ(outcome.result, ArchiveResult::kDuplicateKept);
  EXPECT_EQ(outcome.dimse_status, dicom::status::kSuccess);
  EXPECT_EQ(outcome.previous_hash, first.storage_hash);
  EXPECT_EQ(index_.count(), 1);
}

}  // namespace
}  // namespace gateway::pacs
