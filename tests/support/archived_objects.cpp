#include "tests/support/archived_objects.h"

#include <dcmtk/dcmdata/dcfilefo.h>

#include <stdexcept>

#include "common/crypto/sha256.h"
#include "services/pacs/instance_archiver.h"
#include "services/pacs/storage_path.h"
#include "tests/support/dicom_factory.h"

namespace gateway::test {

std::vector<std::string> archiveObjects(pacs::FileStore& store, pacs::InstanceIndex& index,
                                        std::size_t count) {
  pacs::InstanceArchiver archiver(store, index, config::DuplicatePolicy::kKeepFirst);
  std::vector<std::string> uids;
  for (std::size_t i = 0; i < count; ++i) {
    ObjectSpec spec;
    spec.sop_instance_uid = newUid();
    auto dataset = makeObject(spec);
    pacs::ReceivedObject object;
    object.file = store.createTemp();
    DcmFileFormat format(dataset.get());
    if (format.saveFile(object.file->path().c_str(), EXS_LittleEndianExplicit).bad()) {
      throw std::runtime_error("cannot write " + object.file->path().string());
    }
    object.storage_hash = crypto::sha256OfFile(object.file->path()).value();
    object.file_size = std::filesystem::file_size(object.file->path());
    object.command_sop_class_uid = spec.sop_class_uid;
    object.command_sop_instance_uid = spec.sop_instance_uid;
    object.calling_aet = "MODALITY";
    if (archiver.archive(object).result != pacs::ArchiveResult::kStored) {
      throw std::runtime_error("cannot archive " + spec.sop_instance_uid);
    }
    uids.push_back(spec.sop_instance_uid);
  }
  return uids;
}

}  // namespace gateway::test
