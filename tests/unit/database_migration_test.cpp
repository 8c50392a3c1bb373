// Schema migrations (common/db, PRAGMA user_version): applied in order, keeping rows; a
// database newer than the binary is refused; and the real worklist and PACS schemas.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "common/db/database.h"
#include "services/mwl/worklist_store.h"
#include "services/pacs/instance_index.h"
#include "tests/support/temp_dir.h"

namespace gateway::db {
namespace {

const std::vector<Migration> kVersion1 = {
    {1, "001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"}};
const std::vector<Migration> kVersion2 = {
    kVersion1[0], {2, "002_author.sql", "ALTER TABLE notes ADD COLUMN author TEXT DEFAULT 'n/a';"}};

TEST(SchemaMigration, CreatesAFreshDatabaseAtTheLatestVersion) {
  test::TempDir dir;
  auto db = openDatabase(dir / "fresh.db", kVersion2);
  EXPECT_EQ(schemaVersion(*db), 2);
  db->exec("INSERT INTO notes (text, author) VALUES ('hello', 'me')");  // both steps applied
  EXPECT_EQ(db->execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(SchemaMigration, UpgradesVersionOneToTwoKeepingItsRows) {
  test::TempDir dir;
  {
    auto db = openDatabase(dir / "notes.db", kVersion1);
    EXPECT_EQ(schemaVersion(*db), 1);
    db->exec("INSERT INTO notes (text) VALUES ('first'), ('second')");
  }
  auto db = openDatabase(dir / "notes.db", kVersion2);
  EXPECT_EQ(schemaVersion(*db), 2);
  EXPECT_EQ(db->execAndGet("SELECT COUNT(*) FROM notes").getInt(), 2);
  EXPECT_EQ(db->execAndGet("SELECT author FROM notes WHERE text = 'first'").getString(), "n/a");
  // Opening again applies nothing twice.
  db.reset();
  EXPECT_EQ(schemaVersion(*openDatabase(dir / "notes.db", kVersion2)), 2);
}

TEST(SchemaMigration, RefusesADatabaseNewerThanTheProgram) {
  test::TempDir dir;
  openDatabase(dir / "notes.db", kVersion2);
  try {
    openDatabase(dir / "notes.db", kVersion1);
    FAIL() << "a version 2 database was opened by a version 1 program";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("newer than this program knows"), std::string::npos) << message;
    EXPECT_NE(message.find("notes.db"), std::string::npos) << message;  // names the file
  }
  // Refusing changed nothing.
  SQLite::Database db((dir / "notes.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(schemaVersion(db), 2);
}

TEST(SchemaMigration, AFailingStepLeavesTheDatabaseAtThePreviousVersion) {
  test::TempDir dir;
  openDatabase(dir / "notes.db", kVersion1);
  const std::vector<Migration> broken = {kVersion1[0],
                                         {2, "002_broken.sql", "ALTER TABLE nowhere ADD x;"}};
  EXPECT_THROW(openDatabase(dir / "notes.db", broken), std::runtime_error);
  EXPECT_EQ(schemaVersion(*openDatabase(dir / "notes.db", kVersion1)), 1);
}

TEST(SchemaMigration, ReadOnlyOpenRefusesAnOutdatedSchema) {
  test::TempDir dir;
  openDatabase(dir / "notes.db", kVersion1);
  OpenOptions read_only;
  read_only.read_only = true;
  EXPECT_THROW(openDatabase(dir / "notes.db", kVersion2, read_only), std::runtime_error);
  EXPECT_EQ(schemaVersion(*openDatabase(dir / "notes.db", kVersion1, read_only)), 1);
}

TEST(WorklistSchema, UpgradesAVersionOneWorklistKeepingItsItems) {
  test::TempDir dir;
  const auto& migrations = mwl::mwlMigrations();
  ASSERT_GE(migrations.size(), 2u);
  {
    // A worklist written by the first release: items only, no MPPS.
    auto db = openDatabase(dir / "worklist.db", {migrations[0]});
    db->exec(
        "INSERT INTO worklist_items (accession_number, patient_id, patient_name, "
        "patient_birth_date, study_instance_uid, requested_procedure_id, scheduled_step_id, "
        "scheduled_date, scheduled_time, modality, status) VALUES ('OLD-1', 'P1', 'DOE^JANE', "
        "'19700101', '1.2.826.0.1.3680043.10.543.1', 'OLD-1', 'OLD-1', '20261128', '090000', "
        "'MG', 'IN PROGRESS')");
  }
  mwl::WorklistStore store(dir / "worklist.db");
  const auto item = store.find("OLD-1");
  ASSERT_TRUE(item);
  EXPECT_EQ(item->patient_name, "DOE^JANE");
  EXPECT_EQ(item->status, "IN PROGRESS");
  EXPECT_EQ(item->mpps_instance_uid, "");  // the column version 2 added
  EXPECT_TRUE(store.statusHistory("OLD-1").empty());
  EXPECT_FALSE(store.findStep("1.2.3"));
  SQLite::Database db((dir / "worklist.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(schemaVersion(db), static_cast<int>(migrations.size()));
}

TEST(WorklistSchema, RefusesAWorklistFromANewerRelease) {
  test::TempDir dir;
  { mwl::WorklistStore store(dir / "worklist.db"); }
  {
    SQLite::Database db((dir / "worklist.db").string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version=" + std::to_string(mwl::mwlMigrations().size() + 1));
  }
  EXPECT_THROW(mwl::WorklistStore(dir / "worklist.db"), std::runtime_error);
}

TEST(PacsSchema, UpgradesAVersionOneIndexKeepingItsRows) {
  test::TempDir dir;
  const auto& migrations = pacs::pacsMigrations();
  ASSERT_GE(migrations.size(), 3u);
  {
    auto db = openDatabase(dir / "pacs.db", {migrations[0]});
    db->exec(
        "INSERT INTO stored_instances (sop_instance_uid, storage_path, file_size, "
        "storage_hash, accession_number) VALUES ('1.2.3', 'ab/cd/abcd.dcm', 10, 'ff', 'A1')");
  }
  pacs::InstanceIndex index(dir / "pacs.db");
  const auto row = index.findByUid("1.2.3");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->storage_path, "ab/cd/abcd.dcm");
  EXPECT_EQ(row->metadata.accession_number, "A1");
  EXPECT_EQ(row->worklist_accession, "");  // the column version 2 added
  EXPECT_EQ(row->flags, "");               // ... and version 3
  EXPECT_TRUE(index.quarantined().empty());
  // Version 4: the row was indexed by the first metadata extraction, so start-up re-reads it.
  EXPECT_EQ(row->metadata_version, 1);
  ASSERT_EQ(index.rowsWithMetadataBefore(pacs::kMetadataVersion).size(), 1u);
  EXPECT_EQ(index.rowsWithMetadataBefore(pacs::kMetadataVersion)[0].storage_path, "ab/cd/abcd.dcm");
}

}  // namespace
}  // namespace gateway::db
