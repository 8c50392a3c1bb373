#pragma once

#include <dcmtk/dcmdata/dcdatset.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/dicom/dicom_server.h"

namespace gateway::test {

// A modality's side of Storage Commitment reports on a new association: listens on an
// ephemeral port as AE `aet`, accepts the Storage Commitment Push Model class with the role
// the gateway proposes (SCP for the report), and records every N-EVENT-REPORT it receives,
// answering `answer_status`.
class CommitmentListener {
 public:
  struct Report {
    std::uint16_t event_type = 0;
    std::string calling_aet;
    std::unique_ptr<DcmDataset> information;
  };

  explicit CommitmentListener(const std::string& aet = "MODALITY", std::uint16_t answer_status = 0);
  ~CommitmentListener();
  std::uint16_t port() const;
  // Waits up to `limit` for the count of reports to reach `count`.
  bool waitForReports(std::size_t count, std::chrono::seconds limit);
  std::vector<Report> takeReports();

  // Used by the listener's handler.
  void record(Report report);

 private:
  class Service;
  std::unique_ptr<Service> service_;
  std::unique_ptr<dicom::DicomServer> server_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Report> reports_;
  std::uint16_t answer_status_;
};

}  // namespace gateway::test
