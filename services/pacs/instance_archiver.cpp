#include "services/pacs/instance_archiver.h"

#include <system_error>

#include "common/config/value_parsers.h"
#include "common/dicom/dimse_status.h"
#include "common/logging/identifier_mask.h"
#include "common/logging/logging.h"
#include "services/pacs/receive_validation.h"
#include "services/pacs/storage_path.h"

namespace gateway::pacs {
namespace {

namespace status = dicom::status;

ArchiveOutcome rejected(std::uint16_t dimse_status, std::string comment) {
  ArchiveOutcome outcome;
  outcome.result = ArchiveResult::kRejected;
  outcome.dimse_status = dimse_status;
  outcome.comment = std::move(comment);
  return outcome;
}

ArchiveOutcome failed(std::string comment) {
  ArchiveOutcome outcome;
  outcome.result = ArchiveResult::kFailed;
  outcome.dimse_status = status::kOutOfResources;
  outcome.comment = std::move(comment);
  return outcome;
}

StoredInstance rowFor(const ReceivedObject& object, const InstanceMetadata& metadata,
                      const std::string& relative_path, bool linked) {
  StoredInstance row;
  row.metadata = metadata;
  row.storage_path = relative_path;
  row.file_size = static_cast<std::int64_t>(object.file_size);
  row.storage_hash = object.storage_hash;
  row.source_aet = object.calling_aet;
  if (linked) row.worklist_accession = metadata.accession_number;
  row.flags = flagsFor(metadata);
  return row;
}

}  // namespace

const char* toString(ArchiveResult result) {
  switch (result) {
    case ArchiveResult::kStored:
      return "stored";
    case ArchiveResult::kDuplicateKept:
      return "duplicate_kept";
    case ArchiveResult::kDuplicateQuarantined:
      return "duplicate_quarantined";
    case ArchiveResult::kReplaced:
      return "duplicate_replaced";
    case ArchiveResult::kRejected:
      return "rejected";
    case ArchiveResult::kCollision:
      return "path_collision";
    case ArchiveResult::kFailed:
      return "failed";
  }
  return "unknown";
}

InstanceArchiver::InstanceArchiver(FileStore& store, InstanceIndex& index,
                                   config::DuplicatePolicy policy, InstanceObserver* observer)
    : store_(store), index_(index), policy_(policy), observer_(observer) {}

void InstanceArchiver::setForwarding(ForwardRouting routing, std::function<void()> queued) {
  routing_ = std::move(routing);
  queued_ = std::move(queued);
}

std::mutex& InstanceArchiver::stripeFor(const std::string& relative_path) {
  const auto byte = std::stoul(relative_path.substr(0, 2), nullptr, 16);
  return stripes_[byte % stripes_.size()];
}

ArchiveOutcome InstanceArchiver::archive(ReceivedObject& object) {
  const MetadataResult parsed = readInstanceMetadata(object.file->path());
  if (!parsed.metadata) {
    return rejected(status::kCannotUnderstand, "dataset cannot be parsed: " + parsed.error);
  }
  const InstanceMetadata& metadata = *parsed.metadata;
  if (metadata.sop_instance_uid.empty()) {
    return rejected(status::kCannotUnderstand, "dataset has no SOP Instance UID (0008,0018)");
  }
  if (metadata.sop_class_uid.empty()) {
    return rejected(status::kCannotUnderstand, "dataset has no SOP Class UID (0008,0016)");
  }
  if (metadata.sop_instance_uid != object.command_sop_instance_uid) {
    return rejected(status::kDataSetDoesNotMatchSopClass,
                    "SOP Instance UID in dataset (" + metadata.sop_instance_uid +
                        ") differs from the C-STORE request (" + object.command_sop_instance_uid +
                        ")");
  }
  if (metadata.sop_class_uid != object.command_sop_class_uid) {
    return rejected(status::kDataSetDoesNotMatchSopClass,
                    "SOP Class UID in dataset (" + metadata.sop_class_uid +
                        ") differs from the C-STORE request (" + object.command_sop_class_uid +
                        ")");
  }
  if (const auto refusal = refusalFor(metadata)) {
    ArchiveOutcome outcome = rejected(refusal->status, refusal->comment);
    outcome.offending = refusal->attributes;
    outcome.metadata = metadata;
    return outcome;
  }
  try {
    object.file->syncAndClose();
    return place(object, metadata);
  } catch (const std::system_error& e) {
    logging::pacs()->error("storage error sop_instance={} error=\"{}\"", metadata.sop_instance_uid,
                           e.what());
    return failed(std::string("storage error: ") + e.what());
  } catch (const std::exception& e) {
    logging::pacs()->error("index error sop_instance={} error=\"{}\"", metadata.sop_instance_uid,
                           e.what());
    return failed(std::string("index error: ") + e.what());
  }
}

ArchiveOutcome InstanceArchiver::place(ReceivedObject& object, const InstanceMetadata& metadata) {
  const std::string& uid = metadata.sop_instance_uid;
  const std::string relative_path = storagePathFor(uid);
  // Asked before taking the lock: it reads another database.
  const bool linked = observed([&] {
    return !metadata.accession_number.empty() &&
           observer_->knowsAccession(metadata.accession_number);
  });
  std::lock_guard lock(stripeFor(relative_path));

  ArchiveOutcome outcome;
  outcome.metadata = metadata;
  outcome.dimse_status = status::kSuccess;

  const std::vector<std::string> destinations =
      routing_.destinationsFor(metadata, object.calling_aet);
  auto notifyQueued = [&] {
    if (!destinations.empty() && queued_) queued_();
  };
  auto existing = index_.findByUid(uid);
  if (existing && existing->status == "PURGED") {
    // Retention removed our copy after every destination had it: this one is kept again
    // (queue rows stay SENT; the destinations have these bytes or their first copy).
    index_.remove(uid);
    existing.reset();
  }
  if (existing) {
    outcome.previous_hash = existing->storage_hash;
    if (policy_ == config::DuplicatePolicy::kKeepFirst) {
      if (existing->storage_hash == object.storage_hash) {
        outcome.result = ArchiveResult::kDuplicateKept;
        return outcome;  // the same bytes again: the temporary file is removed
      }
      // A different object under a UID already held: keep the first (the policy), but keep
      // this one too, outside the tree, recorded, so nothing a modality sent is lost.
      QuarantinedInstance row;
      row.sop_instance_uid = uid;
      row.quarantine_path = store_.quarantine(*object.file, object.storage_hash + ".dcm");
      row.file_size = static_cast<std::int64_t>(object.file_size);
      row.storage_hash = object.storage_hash;
      row.held_hash = existing->storage_hash;
      row.source_aet = object.calling_aet;
      row.reason = "duplicate_differs";
      index_.addQuarantined(row);
      outcome.result = ArchiveResult::kDuplicateQuarantined;
      outcome.quarantine_path = row.quarantine_path;
      return outcome;
    }
    store_.placeReplacing(*object.file, relative_path);
    index_.upsert(rowFor(object, metadata, relative_path, linked), destinations,
                  existing->storage_hash != object.storage_hash);
    outcome.result = ArchiveResult::kReplaced;
    notifyQueued();
    return outcome;
  }

  auto collision = [&](const std::string& other_uid) {
    logging::pacs()->error(
        "storage path collision path={} held_by={} refused={} (nothing overwritten)", relative_path,
        other_uid, uid);
    outcome.result = ArchiveResult::kCollision;
    outcome.dimse_status = status::kProcessingFailure;
    outcome.comment =
        "storage path " + relative_path + " is held by another SOP Instance UID; object refused";
    return outcome;
  };
  if (const auto at_path = index_.findByPath(relative_path)) {
    return collision(at_path->metadata.sop_instance_uid);
  }

  if (!store_.placeNew(*object.file, relative_path)) {
    // A file is there without a row: a crash between rename and index, or a stranger.
    const MetadataResult there = readInstanceMetadata(store_.absolute(relative_path));
    if (!there.metadata || there.metadata->sop_instance_uid != uid) {
      return collision(there.metadata ? there.metadata->sop_instance_uid : "(unreadable file)");
    }
    store_.placeReplacing(*object.file, relative_path);
    logging::pacs()->warn("unindexed copy replaced path={} sop_instance={}", relative_path, uid);
  }
  try {
    index_.upsert(rowFor(object, metadata, relative_path, linked), destinations);
  } catch (...) {
    // Never leave a file the index does not know about while we answer "failed".
    store_.remove(relative_path);
    throw;
  }
  outcome.result = ArchiveResult::kStored;
  notifyQueued();
  if (linked)
    observed([&] {
      observer_->instanceStored(metadata);
      return true;
    });
  return outcome;
}

template <typename Call>
bool InstanceArchiver::observed(Call call) {
  if (observer_ == nullptr) return false;
  try {
    return call();
  } catch (const std::exception& e) {
    // The object is safe either way; the worklist link is a convenience, not a condition.
    logging::pacs()->error("worklist link failed error=\"{}\"", e.what());
    return false;
  }
}

}  // namespace gateway::pacs
