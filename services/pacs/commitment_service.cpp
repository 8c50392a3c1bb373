#include "services/pacs/commitment_service.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include <algorithm>
#include <cmath>

#include "common/dicom/dataset_codec.h"
#include "common/dicom/dimse_status.h"
#include "common/dicom/element_text.h"
#include "common/dicom_values/value_checks.h"
#include "common/logging/logging.h"
#include "common/logging/peer_text.h"
#include "services/pacs/commitment_check.h"

namespace gateway::pacs {
namespace {

namespace status = dicom::status;
using logging::escaped;
constexpr int kMaxAttempts = 160;  // with backoff capped at 10 minutes: about a day

double unixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void AssociationOutbox::push(dicom::OutboundRequest request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
}

std::optional<dicom::OutboundRequest> AssociationOutbox::take() {
  std::lock_guard lock(mutex_);
  if (requests_.empty()) return std::nullopt;
  dicom::OutboundRequest request = std::move(requests_.front());
  requests_.pop_front();
  return request;
}

CommitmentService::CommitmentService(Options options, InstanceIndex& index, FileStore& store,
                                     CommitmentStore& commitments, Resolver resolve)
    : options_(std::move(options)),
      index_(index),
      store_(store),
      commitments_(commitments),
      resolve_(std::move(resolve)) {}

CommitmentService::~CommitmentService() { stop(); }

void CommitmentService::start() {
  commitments_.forgetAssociations();  // the last run's associations are gone
  const auto left = commitments_.open();
  if (!left.empty()) {
    logging::pacs()->info("commitment resume transactions={} (left open by the last run)",
                          left.size());
  }
  stopping_ = false;
  pending_work_ = true;
  thread_ = std::thread([this] {
    logging::setThreadName("pacs-commit");
    loop();
  });
}

void CommitmentService::stop() {
  stopping_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CommitmentService::submitted() {
  {
    std::lock_guard lock(mutex_);
    pending_work_ = true;
  }
  wake_.notify_all();
}

void CommitmentService::attach(std::uint64_t id, std::shared_ptr<AssociationOutbox> outbox) {
  std::lock_guard lock(mutex_);
  outboxes_[id] = std::move(outbox);
}

void CommitmentService::detach(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    outboxes_.erase(id);
    pending_work_ = true;  // what waited for it may now go on a new association
  }
  wake_.notify_all();
}

void CommitmentService::loop() {
  while (!stopping_) {
    try {
      work();
    } catch (const std::exception& e) {
      logging::pacs()->error("commitment round failed error=\"{}\"", escaped(e.what()));
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1),
                   [this] { return stopping_.load() || pending_work_; });
    pending_work_ = false;
  }
}

void CommitmentService::work() {
  for (const auto& transaction : commitments_.open()) {
    if (stopping_) return;
    if (transaction.state == "PENDING") {
      verify(transaction);
      submitted();  // its report may be due at once
    } else if (transaction.not_before <= unixNow()) {
      bool busy = false;
      {
        std::lock_guard lock(mutex_);
        busy = in_flight_.count(transaction.transaction_uid) != 0;
      }
      if (!busy) deliver(transaction);
    }
  }
}

void CommitmentService::verify(const CommitmentTransaction& transaction) {
  const CommitmentOutcome outcome = verifyCommitment(transaction.items, index_, store_);
  auto report = commitmentReport(transaction.transaction_uid, outcome, options_.aet);
  commitments_.markReady(transaction.transaction_uid, outcome.eventType(),
                         dicom::encodeDataset(*report), static_cast<int>(outcome.committed.size()),
                         static_cast<int>(outcome.failed.size()));
  for (const auto& failure : outcome.failed) {
    logging::pacs()->warn(
        "commitment failed transaction={} sop_instance={} reason={} detail=\"{}\"",
        transaction.transaction_uid, failure.item.sop_instance_uid, status::format(failure.reason),
        escaped(failure.detail));
  }
  logging::pacs()->info("commitment verified transaction={} calling={} committed={} failed={}",
                        transaction.transaction_uid, escaped(transaction.calling_aet),
                        outcome.committed.size(), outcome.failed.size());
}

void CommitmentService::deliver(const CommitmentTransaction& transaction) {
  std::shared_ptr<AssociationOutbox> outbox;
  {
    std::lock_guard lock(mutex_);
    if (transaction.association_id &&
        new_association_only_.count(transaction.transaction_uid) == 0) {
      const auto it = outboxes_.find(*transaction.association_id);
      if (it != outboxes_.end()) outbox = it->second;
    }
    if (outbox) in_flight_.insert(transaction.transaction_uid);
  }
  if (!outbox) {
    deliverOnNewAssociation(transaction);
    return;
  }
  dicom::OutboundRequest request;
  request.sop_class_uid = kStorageCommitmentClass;
  request.sop_instance_uid = kStorageCommitmentInstance;
  request.event_type_id = static_cast<std::uint16_t>(transaction.event_type);
  request.information = dicom::decodeDataset(transaction.report);
  const std::string uid = transaction.transaction_uid;
  request.done = [this, uid](std::optional<std::uint16_t> result) {
    sameAssociationDone(uid, result);
  };
  outbox->push(std::move(request));
}

void CommitmentService::sameAssociationDone(const std::string& uid,
                                            std::optional<std::uint16_t> result) {
  if (result && *result == status::kSuccess) {
    commitments_.markReported(uid, "same association");
    logging::pacs()->info("commitment reported transaction={} via=\"same association\"", uid);
  }
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(uid);
    if (!result || *result != status::kSuccess) {
      new_association_only_.insert(uid);
      pending_work_ = true;
    }
  }
  wake_.notify_all();
}

void CommitmentService::deliverOnNewAssociation(const CommitmentTransaction& transaction) {
  auto target = resolve_ ? resolve_(transaction.calling_aet) : std::nullopt;
  if (!target) {
    const std::string why =
        "the requester " + transaction.calling_aet +
        " is not in the table of known AEs (no host and port to send the report to)";
    commitments_.markUndeliverable(transaction.transaction_uid, why);
    logging::pacs()->warn("commitment report refused transaction={} reason=\"{}\"",
                          transaction.transaction_uid, escaped(why));
    return;
  }
  target->calling_aet = options_.aet;
  target->timeout = options_.timeout;
  try {
    dicom::OutboundContext context;
    context.abstract_syntax = kStorageCommitmentClass;
    context.transfer_syntaxes = {UID_LittleEndianExplicitTransferSyntax,
                                 UID_LittleEndianImplicitTransferSyntax};
    context.role = ASC_SC_ROLE_SCP;  // we are the SCP of this class, calling its SCU
    dicom::OutboundAssociation association(*target, {context});
    auto information = dicom::decodeDataset(transaction.report);
    const std::uint16_t result = association.sendEventReport(
        kStorageCommitmentClass, kStorageCommitmentInstance,
        static_cast<std::uint16_t>(transaction.event_type), *information);
    association.release();
    if (result != status::kSuccess) {
      retryLater(transaction, "the requester answered " + status::format(result));
      return;
    }
    commitments_.markReported(transaction.transaction_uid, "new association");
    logging::pacs()->info("commitment reported transaction={} via=\"new association\" to={}@{}:{}",
                          transaction.transaction_uid, target->called_aet, target->host,
                          target->port);
  } catch (const std::exception& e) {
    retryLater(transaction, e.what());
  }
}

void CommitmentService::retryLater(const CommitmentTransaction& transaction,
                                   const std::string& error) {
  if (transaction.attempts + 1 >= kMaxAttempts) {
    commitments_.markUndeliverable(transaction.transaction_uid, error);
    logging::pacs()->error("commitment report given up transaction={} attempts={} error=\"{}\"",
                           transaction.transaction_uid, transaction.attempts + 1, escaped(error));
    return;
  }
  const double delay = std::min(600.0, 10.0 * std::pow(2.0, transaction.attempts));
  commitments_.markRetry(transaction.transaction_uid, error, unixNow() + delay);
  logging::pacs()->warn(
      "commitment report failed transaction={} attempt={} retry_in_s={} "
      "error=\"{}\"",
      transaction.transaction_uid, transaction.attempts + 1, static_cast<int>(delay),
      escaped(error));
}

CommitmentProvider::CommitmentProvider(const dicom::AssociationContext& context,
                                       CommitmentService& service, CommitmentStore& commitments)
    : context_(context),
      service_(service),
      commitments_(commitments),
      outbox_(std::make_shared<AssociationOutbox>()) {
  service_.attach(context_.id, outbox_);
}

CommitmentProvider::~CommitmentProvider() {
  service_.detach(context_.id);
  // Reports still queued for this association go on a new one.
  while (auto request = outbox_->take()) {
    if (request->done) request->done(std::nullopt);
  }
}

dicom::NReply CommitmentProvider::handle(const dicom::NRequest& request) {
  dicom::NReply out;
  auto refuse = [&out](std::uint16_t code, std::string comment,
                       std::vector<DcmTagKey> attributes = {}) {
    out.reply = dicom::DimseReply::failure(code, std::move(comment), std::move(attributes));
    return std::move(out);
  };
  if (request.sop_class_uid != kStorageCommitmentClass) {
    return refuse(status::kSopClassNotSupported, "only Storage Commitment is supported here");
  }
  if (request.command_field != DIMSE_N_ACTION_RQ) {
    return refuse(status::kUnrecognizedOperation, "only N-ACTION is supported for commitment");
  }
  if (request.sop_instance_uid != kStorageCommitmentInstance) {
    return refuse(status::kNoSuchObjectInstance,
                  "the commitment instance is 1.2.840.10008.1.20.1.1");
  }
  if (request.type_id.value_or(0) != 1) {
    return refuse(status::kNoSuchAction, "the only action is 1, Request Storage Commitment");
  }
  DcmDataset& information = *request.dataset;
  CommitmentTransaction transaction;
  transaction.transaction_uid = dicom::elementText(information, DCM_TransactionUID);
  if (transaction.transaction_uid.empty()) {
    return refuse(status::kMissingAttribute, "missing Transaction UID", {DCM_TransactionUID});
  }
  if (!dicom_values::isValidUid(transaction.transaction_uid)) {
    return refuse(status::kInvalidAttributeValue, "Transaction UID is not a valid UID",
                  {DCM_TransactionUID});
  }
  DcmSequenceOfItems* sequence = nullptr;
  if (information.findAndGetSequence(DCM_ReferencedSOPSequence, sequence).bad() ||
      sequence == nullptr || sequence->card() == 0) {
    return refuse(status::kMissingAttribute, "missing Referenced SOP Sequence",
                  {DCM_ReferencedSOPSequence});
  }
  for (unsigned long i = 0; i < sequence->card(); ++i) {
    DcmItem& item = *sequence->getItem(i);
    CommitmentItem entry{dicom::elementText(item, DCM_ReferencedSOPClassUID),
                         dicom::elementText(item, DCM_ReferencedSOPInstanceUID)};
    if (!dicom_values::isValidUid(entry.sop_class_uid) ||
        !dicom_values::isValidUid(entry.sop_instance_uid)) {
      return refuse(status::kInvalidAttributeValue,
                    "Referenced SOP Sequence item " + std::to_string(i + 1) +
                        " has no valid class and instance UID",
                    {DCM_ReferencedSOPSequence});
    }
    transaction.items.push_back(std::move(entry));
  }
  transaction.calling_aet = context_.calling_aet;
  transaction.association_id = context_.id;
  transaction.not_before =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() +
      static_cast<double>(service_.reportDelay().count());
  const bool recorded = commitments_.record(transaction);
  service_.submitted();
  out.sop_instance_uid = kStorageCommitmentInstance;
  out.reply.log_fields = "transaction=" + transaction.transaction_uid +
                         " items=" + std::to_string(transaction.items.size()) +
                         (recorded ? "" : " (already requested)");
  return out;
}

}  // namespace gateway::pacs
