#include "tests/integration/mwl_harness.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "common/dicom/dcmtk_globals.h"
#include "common/logging/logging.h"
#include "services/mwl/worklist_feed.h"
#include "services/mwl/worklist_validation.h"

namespace gateway::test {

MwlHarness::MwlHarness(const std::function<void(config::GatewayConfig&)>& adjust) {
  config_.log_level = "info";
  config_.mwl.db_path = dir_ / "worklist.db";
  config_.network.bind_address = "127.0.0.1";
  config_.network.shutdown_timeout = std::chrono::seconds(5);
  if (adjust) adjust(config_);
  logging::initLogging(config_.log_level);
  dicom::configureDcmtkGlobals(config_.network);
  service_ = std::make_unique<mwl::MwlService>(config_, std::uint16_t{0});
  service_->start();
}

MwlHarness::~MwlHarness() { service_->stop(config_.network.shutdown_timeout); }

void MwlHarness::add(mwl::WorklistItem item) {
  const auto errors = mwl::validateAndComplete(item);
  for (const auto& e : errors) ADD_FAILURE() << e.field << ": " << e.message;
  mwl::WorklistFeed(store()).add(item, mwl::StudyUid::kGiven, false);
}

mwl::WorklistItem appointment(const std::string& accession, const std::string& date,
                              const std::string& time) {
  mwl::WorklistItem item;
  item.accession_number = accession;
  item.patient_id = "PID-" + accession;
  item.patient_name = "DOE^JANE";
  item.patient_birth_date = "19700101";
  item.patient_sex = "F";
  item.scheduled_date = date;
  item.scheduled_time = time;
  item.modality = "MG";
  item.scheduled_station_aet = "MAMMO1";
  item.study_description = "Screening mammography";
  item.procedure_code = "SCRMAMMO";
  item.procedure_code_scheme = "LOCAL";
  item.procedure_code_meaning = "Screening mammography";
  return item;
}

WorklistScu::WorklistScu(std::uint16_t port, const std::string& calling_aet) {
  setAETitle(calling_aet.c_str());
  setPeerHostName("127.0.0.1");
  setPeerPort(port);
  setPeerAETitle("MWL_SCP");
  setACSETimeout(10);
  setDIMSETimeout(30);
  setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  OFList<OFString> ts;
  ts.push_back(UID_LittleEndianExplicitTransferSyntax);
  addPresentationContext(UID_FINDModalityWorklistInformationModel, ts);
  EXPECT_TRUE(initNetwork().good());
  EXPECT_TRUE(negotiateAssociation().good());
}

FindOutcome WorklistScu::find(DcmDataset& query, int cancel_after) {
  FindOutcome outcome;
  outcome_ = &outcome;
  cancel_after_ = cancel_after;
  received_ = 0;
  const T_ASC_PresentationContextID pres =
      findPresentationContextID(UID_FINDModalityWorklistInformationModel, "");
  outcome.condition = sendFINDRequest(pres, &query, nullptr);
  outcome_ = nullptr;
  return outcome;
}

OFCondition WorklistScu::handleFINDResponse(const T_ASC_PresentationContextID presID,
                                            QRResponse* response, OFBool& waitForNextResponse) {
  if (response->m_status == 0xff00 || response->m_status == 0xff01) {
    if (response->m_dataset != nullptr) {
      outcome_->matches.emplace_back(new DcmDataset(*response->m_dataset));
    }
    waitForNextResponse = OFTrue;
    if (++received_ == cancel_after_) sendCANCELRequest(presID);
  } else {
    outcome_->final_status = response->m_status;
    if (response->m_statusDetail != nullptr) {
      OFString comment;
      response->m_statusDetail->findAndGetOFString(DCM_ErrorComment, comment);
      outcome_->error_comment = comment.c_str();
    }
    waitForNextResponse = OFFalse;
  }
  return EC_Normal;
}

}  // namespace gateway::test
