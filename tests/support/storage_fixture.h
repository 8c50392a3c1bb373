#pragma once

#include <filesystem>
#include <string>

#include "services/pacs/file_store.h"
#include "services/pacs/instance_index.h"
#include "tests/support/temp_dir.h"

namespace gateway::test {

// A file store and its index in a temp folder, without any network, and ways to put
// objects into them as the archiver would (or as a crash would leave them).
class StorageFixture {
 public:
  StorageFixture();

  pacs::FileStore& store() { return store_; }
  pacs::InstanceIndex& index() { return index_; }
  const std::filesystem::path& root() const { return store_.root(); }
  std::filesystem::path dbPath() const { return dir_ / "pacs.db"; }

  // Writes a Part 10 object at its hash path; returns its SOP Instance UID.
  std::string writeFile(const std::string& accession = "ACC-0001");
  // Writes the object and indexes it, as a completed C-STORE leaves it.
  std::string storeIndexed(const std::string& accession = "ACC-0001");
  // The row for `uid`, read back from the index (fails the test when there is none).
  pacs::StoredInstance row(const std::string& uid);
  std::filesystem::path fileOf(const std::string& uid);

 private:
  TempDir dir_;
  pacs::FileStore store_;
  pacs::InstanceIndex index_;
};

}  // namespace gateway::test
