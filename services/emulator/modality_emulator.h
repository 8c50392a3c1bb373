#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/dicom/tls_client.h"
#include "services/emulator/scheduled_step.h"
#include "services/emulator/screening_images.h"

namespace gateway::emulator {

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  std::uint16_t mwl_port = 4243;  // worklist and MPPS
  std::string mwl_aet = "MWL_SCP";
  std::uint16_t pacs_port = 4244;
  std::string pacs_aet = "SCREENING_PACS";
  std::string calling_aet = "EMULATOR";  // ours; also the Performed Station AE Title
  std::string station_aet;               // only this station's items; empty: every station
  std::chrono::seconds timeout{30};      // connect, ACSE and DIMSE timeout of every exchange
  std::string date;                      // YYYYMMDD to query; empty: today (local time)
  bool mwl_tls = false;                  // DICOM TLS to the worklist/MPPS port
  bool pacs_tls = false;                 // DICOM TLS to the PACS port
  dicom::TlsClientSettings tls;          // how, when either is set
};

// What happened to one worklist step.
struct ItemReport {
  std::string accession_number;
  std::string step_id;
  std::string station_aet;
  std::string performed_step_uid;  // the MPPS SOP Instance UID
  bool mpps_refused = false;       // the SCP accepted no MPPS presentation context
  std::string mpps_create_error;   // empty: N-CREATE IN PROGRESS succeeded
  std::string final_status;        // COMPLETED or DISCONTINUED when an N-SET was sent
  std::string mpps_set_error;      // empty: that N-SET succeeded (or none was sent)
  std::vector<std::string> views;  // views the PACS stored ("LCC", ...)
  std::vector<std::string> stored_sop_instance_uids;  // same order as views
  std::string store_error;                            // empty: all four stored

  bool ok() const;
  // One line for the operator: accession, step, images stored, MPPS outcome.
  std::string line() const;
};

struct PassReport {
  std::string query_error;  // the worklist query failed: nothing was processed
  std::size_t answers = 0;  // worklist answers received
  std::size_t skipped = 0;  // answers not SCHEDULED (or not MG), or already done by us
  std::vector<ItemReport> items;

  std::size_t succeeded() const;
  std::size_t failed() const;
  bool ok() const { return query_error.empty() && failed() == 0; }
  std::string summary() const;
};

// Plays a mammography modality against the gateway. Each pass: one worklist C-FIND for
// the date's MG steps, then for each SCHEDULED step not yet done by this emulator:
// MPPS N-CREATE (IN PROGRESS), C-STORE of the four screening views to the PACS in one
// association, MPPS N-SET (COMPLETED, or DISCONTINUED when not every image was stored).
// Images are sent even when MPPS is refused, as a modality would. Every network call has
// the options' timeout, so a pass is bounded. One thread.
class ModalityEmulator {
 public:
  explicit ModalityEmulator(EmulatorOptions options);

  // `stop_requested`, when given, is asked between items: true ends the pass early (the
  // steps not reached stay for the next pass).
  PassReport runPass(const std::function<bool()>& stop_requested = {});

 private:
  ItemReport perform(const ScheduledStep& step);
  // Stores the images on one association; fills `report` views/UIDs/error.
  void storeImages(std::vector<ScreeningImage>& images, ItemReport& report);
  std::string nextPerformedStepId(const std::string& timestamp);
  const dicom::TlsClientSettings* mwlTls() const {
    return options_.mwl_tls ? &options_.tls : nullptr;
  }

  EmulatorOptions options_;
  std::set<std::string> done_;  // steps already attempted by this process
  unsigned counter_ = 0;
};

}  // namespace gateway::emulator
