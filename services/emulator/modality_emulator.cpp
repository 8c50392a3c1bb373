#include "services/emulator/modality_emulator.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include <cstdio>
#include <utility>

#include "common/dicom/find_client.h"
#include "common/dicom/mpps_client.h"
#include "common/dicom/scu_setup.h"
#include "common/dicom_values/current_date.h"
#include "common/dicom_values/uid_generator.h"
#include "common/logging/identifier_mask.h"
#include "common/logging/logging.h"
#include "services/emulator/mpps_datasets.h"

namespace gateway::emulator {
namespace {

constexpr const char* kScheduled = "SCHEDULED";
constexpr const char* kCompleted = "COMPLETED";
constexpr const char* kDiscontinued = "DISCONTINUED";

std::string hexStatus(Uint16 status) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%04X", static_cast<unsigned>(status));
  return text;
}

bool storeSucceeded(Uint16 status) { return status == 0x0000 || (status & 0xF000) == 0xB000; }

}  // namespace

bool ItemReport::ok() const {
  return mpps_create_error.empty() && store_error.empty() && final_status == kCompleted &&
         mpps_set_error.empty() && stored_sop_instance_uids.size() == screeningViews().size();
}

std::string ItemReport::line() const {
  std::string out = accession_number + " step=" + step_id +
                    " station=" + (station_aet.empty() ? "-" : station_aet) + ": images " +
                    std::to_string(stored_sop_instance_uids.size()) + "/" +
                    std::to_string(screeningViews().size()) + " stored";
  if (!store_error.empty()) out += " (" + store_error + ")";
  if (!mpps_create_error.empty()) {
    out += ", MPPS N-CREATE failed: " + mpps_create_error;
  } else {
    out += ", MPPS IN PROGRESS -> " + final_status;
    if (!mpps_set_error.empty()) out += " (N-SET failed: " + mpps_set_error + ")";
  }
  return out + (ok() ? ": ok" : ": FAILED");
}

std::size_t PassReport::succeeded() const {
  std::size_t n = 0;
  for (const auto& item : items) n += item.ok() ? 1u : 0u;
  return n;
}

std::size_t PassReport::failed() const { return items.size() - succeeded(); }

std::string PassReport::summary() const {
  if (!query_error.empty()) return "worklist query failed: " + query_error;
  return std::to_string(answers) + " worklist answers, " + std::to_string(items.size()) +
         " processed, " + std::to_string(succeeded()) + " completed, " + std::to_string(failed()) +
         " failed, " + std::to_string(skipped) + " skipped";
}

ModalityEmulator::ModalityEmulator(EmulatorOptions options) : options_(std::move(options)) {}

PassReport ModalityEmulator::runPass(const std::function<bool()>& stop_requested) {
  PassReport report;
  const std::string date = options_.date.empty() ? dicom_values::currentDate() : options_.date;
  auto query = buildWorklistQuery(date, options_.station_aet);
  auto find =
      dicom::sendFind(options_.host, options_.mwl_port, options_.calling_aet, options_.mwl_aet,
                      UID_FINDModalityWorklistInformationModel, *query, options_.timeout, mwlTls());
  if (!find.ok) {
    report.query_error = "C-FIND to " + options_.mwl_aet + "@" + options_.host + ":" +
                         std::to_string(options_.mwl_port) + ": " + find.error;
    logging::supervisor()->warn("emulate worklist query failed error=\"{}\"", report.query_error);
    return report;
  }
  report.answers = find.matches.size();
  for (auto& match : find.matches) {
    if (stop_requested && stop_requested()) break;
    const ScheduledStep step = scheduledStepFromResponse(*match);
    const std::string key = step.study_instance_uid + "|" + step.accession_number + "|" +
                            step.requested_procedure_id + "|" + step.step_id;
    // The SCP may offer steps already started elsewhere (IN PROGRESS): not ours to do.
    if (step.step_status != kScheduled || step.modality != "MG" || done_.count(key) != 0) {
      ++report.skipped;
      continue;
    }
    done_.insert(key);
    report.items.push_back(perform(step));
  }
  return report;
}

std::string ModalityEmulator::nextPerformedStepId(const std::string& timestamp) {
  // "E" + YYMMDDHHMMSS + a 3-digit counter: 16 characters, the SH limit.
  char counter[8];
  std::snprintf(counter, sizeof(counter), "%03u", counter_++ % 1000);
  return "E" + timestamp + counter;
}

ItemReport ModalityEmulator::perform(const ScheduledStep& step) {
  ItemReport report;
  report.accession_number = step.accession_number;
  report.step_id = step.step_id;
  report.station_aet = step.station_aet;
  report.performed_step_uid = dicom_values::generateUid();
  const auto [start_date, start_time] = dicom_values::currentDateAndTime();

  PerformedStep performed;
  performed.sop_instance_uid = report.performed_step_uid;
  performed.id = nextPerformedStepId(start_date.substr(2) + start_time);
  performed.station_aet = options_.calling_aet;
  performed.start_date = start_date;
  performed.start_time = start_time;
  performed.description =
      step.step_description.empty() ? step.requested_procedure_description : step.step_description;

  // 1. The exam starts: N-CREATE IN PROGRESS.
  {
    dicom::MppsClient mpps(options_.host, options_.mwl_port, options_.calling_aet, options_.mwl_aet,
                           options_.timeout, mwlTls());
    report.mpps_create_error = mpps.connect();
    report.mpps_refused = mpps.refused();
    if (report.mpps_create_error.empty()) {
      auto attributes = buildInProgress(step, performed);
      const auto response = mpps.nCreate(performed.sop_instance_uid, *attributes);
      if (!response.ok()) report.mpps_create_error = response.describe();
      mpps.release();
    }
  }

  // 2. The four views, to the PACS.
  Acquisition acquisition;
  acquisition.series_instance_uid = dicom_values::generateUid();
  acquisition.date = start_date;
  acquisition.time = start_time;
  acquisition.performed_step_id = performed.id;
  if (report.mpps_create_error.empty()) acquisition.performed_step_uid = performed.sop_instance_uid;
  acquisition.station_aet = options_.calling_aet;
  acquisition.series_description = "Screening mammography 4 views";
  auto images = buildScreeningImages(step, acquisition);
  storeImages(images, report);

  // 3. The exam ends: N-SET COMPLETED (DISCONTINUED when images are missing).
  if (report.mpps_create_error.empty()) {
    report.final_status = report.store_error.empty() ? kCompleted : kDiscontinued;
    PerformedSeries series;
    series.series_instance_uid = acquisition.series_instance_uid;
    series.series_description = acquisition.series_description;
    series.protocol_name = "Screening mammography (LCC, LMLO, RCC, RMLO)";
    series.retrieve_aet = options_.pacs_aet;
    series.sop_class_uid = UID_DigitalMammographyXRayImageStorageForPresentation;
    series.sop_instance_uids = report.stored_sop_instance_uids;
    const auto [end_date, end_time] = dicom_values::currentDateAndTime();
    auto modifications =
        buildFinal(report.final_status, end_date, end_time, series, hasNonAscii(step));
    dicom::MppsClient mpps(options_.host, options_.mwl_port, options_.calling_aet, options_.mwl_aet,
                           options_.timeout, mwlTls());
    report.mpps_set_error = mpps.connect();
    if (report.mpps_set_error.empty()) {
      const auto response = mpps.nSet(performed.sop_instance_uid, *modifications);
      if (!response.ok()) report.mpps_set_error = response.describe();
      mpps.release();
    }
  }

  const auto log = logging::supervisor();
  const std::string patient = logging::maskIdentifier(step.patient_id);
  if (report.ok()) {
    log->info("emulate item accession={} patient={} pps={} images={} mpps={}",
              report.accession_number, patient, performed.id,
              report.stored_sop_instance_uids.size(), report.final_status);
  } else {
    log->warn(
        "emulate item failed accession={} patient={} pps={} images={} store_error=\"{}\" "
        "n_create_error=\"{}\" n_set_status={} n_set_error=\"{}\"",
        report.accession_number, patient, performed.id, report.stored_sop_instance_uids.size(),
        report.store_error, report.mpps_create_error,
        report.final_status.empty() ? "-" : report.final_status, report.mpps_set_error);
  }
  return report;
}

void ModalityEmulator::storeImages(std::vector<ScreeningImage>& images, ItemReport& report) {
  dicom::GatewayScu scu;
  dicom::configureScu(scu, options_.host, options_.pacs_port, options_.calling_aet,
                      options_.pacs_aet, options_.timeout,
                      UID_DigitalMammographyXRayImageStorageForPresentation);
  const std::string peer =
      options_.pacs_aet + "@" + options_.host + ":" + std::to_string(options_.pacs_port);
  OFCondition cond = scu.connect(options_.pacs_tls ? &options_.tls : nullptr);
  if (cond.bad()) {
    report.store_error = "association with " + peer + " failed: " + cond.text();
    return;
  }
  const T_ASC_PresentationContextID presentation_id =
      scu.findPresentationContextID(UID_DigitalMammographyXRayImageStorageForPresentation, "");
  if (presentation_id == 0) {
    report.store_error = peer + " does not accept Digital Mammography For Presentation";
    scu.releaseAssociation();
    return;
  }
  std::string errors;
  for (auto& image : images) {
    Uint16 status = 0xFFFF;
    cond = scu.sendSTORERequest(presentation_id, "", image.dataset.get(), status);
    if (cond.bad()) {
      errors += std::string(errors.empty() ? "" : "; ") + image.view->name +
                " C-STORE failed: " + cond.text();
      scu.abortAssociation();
      break;
    }
    if (storeSucceeded(status)) {
      report.views.push_back(image.view->name);
      report.stored_sop_instance_uids.push_back(image.sop_instance_uid);
    } else {
      errors += std::string(errors.empty() ? "" : "; ") + image.view->name + " status " +
                hexStatus(status);
    }
  }
  if (scu.isConnected() && scu.releaseAssociation().bad()) scu.abortAssociation();
  report.store_error = errors;
}

}  // namespace gateway::emulator
