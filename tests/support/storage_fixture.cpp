#include "tests/support/storage_fixture.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include "common/crypto/sha256.h"
#include "services/pacs/instance_metadata.h"
#include "services/pacs/storage_path.h"
#include "tests/support/dicom_factory.h"

namespace gateway::test {

StorageFixture::StorageFixture() : store_(dir_ / "storage"), index_(dir_ / "pacs.db") {}

std::string StorageFixture::writeFile(const std::string& accession) {
  ObjectSpec spec;
  spec.sop_instance_uid = newUid();
  spec.accession_number = accession;
  auto dataset = makeObject(spec);
  const auto path = fileOf(spec.sop_instance_uid);
  std::filesystem::create_directories(path.parent_path());
  DcmFileFormat format(dataset.get());
  EXPECT_TRUE(format.saveFile(path.c_str(), EXS_LittleEndianExplicit).good()) << path;
  return spec.sop_instance_uid;
}

std::string StorageFixture::storeIndexed(const std::string& accession) {
  const std::string uid = writeFile(accession);
  const auto path = fileOf(uid);
  pacs::StoredInstance row;
  const auto parsed = pacs::readInstanceMetadata(path);
  EXPECT_TRUE(parsed.metadata) << parsed.error;
  if (parsed.metadata) row.metadata = *parsed.metadata;
  row.storage_path = pacs::storagePathFor(uid);
  row.file_size = static_cast<std::int64_t>(std::filesystem::file_size(path));
  row.storage_hash = crypto::sha256OfFile(path).value_or("");
  row.source_aet = "MODALITY";
  index_.upsert(row);
  return uid;
}

pacs::StoredInstance StorageFixture::row(const std::string& uid) {
  const auto found = index_.findByUid(uid);
  EXPECT_TRUE(found) << "no row for " << uid;
  return found.value_or(pacs::StoredInstance{});
}

std::filesystem::path StorageFixture::fileOf(const std::string& uid) {
  return store_.absolute(pacs::storagePathFor(uid));
}

}  // namespace gateway::test
