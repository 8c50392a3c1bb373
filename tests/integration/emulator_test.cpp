// The modality emulator's library code, once, against the real worklist/MPPS and storage
// services in-process: what `screening-gateway emulate --once` does against `serve`.
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <ctime>

#include "services/emulator/modality_emulator.h"
#include "tests/integration/mwl_harness.h"
#include "tests/integration/pacs_harness.h"

namespace gateway::test {
namespace {

std::string localDate(int days_from_today = 0) {
  const std::time_t when = std::time(nullptr) + days_from_today * 86400;
  std::tm local{};
  localtime_r(&when, &local);
  char text[16];
  std::strftime(text, sizeof(text), "%Y%m%d", &local);
  return text;
}

emulator::EmulatorOptions optionsFor(const MwlHarness& mwl, const PacsHarness& pacs,
                                     const std::string& date) {
  emulator::EmulatorOptions options;
  options.mwl_port = mwl.port();
  options.pacs_port = pacs.port();
  options.pacs_aet = pacs.config().pacs.aet;
  options.calling_aet = "MG_EMULATOR";
  options.timeout = std::chrono::seconds(10);
  options.date = date;  // fixed, so a run across midnight cannot split the test
  return options;
}

const emulator::ItemReport* findItem(const emulator::PassReport& report,
                                     const std::string& accession) {
  for (const auto& item : report.items) {
    if (item.accession_number == accession) return &item;
  }
  return nullptr;
}

// The four views stored in the PACS index for this item, with the worklist's identifiers.
void expectStoredViews(PacsHarness& pacs, const emulator::ItemReport& item,
                       const mwl::WorklistItem& scheduled) {
  const char* const laterality[] = {"L", "L", "R", "R"};
  const char* const view[] = {"CC", "MLO", "CC", "MLO"};
  ASSERT_EQ(item.stored_sop_instance_uids.size(), 4u) << item.line();
  ASSERT_EQ(item.views, (std::vector<std::string>{"LCC", "LMLO", "RCC", "RMLO"}));
  std::string series;
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(item.views[i]);
    const auto row = pacs.row(item.stored_sop_instance_uids[i]);
    ASSERT_TRUE(row.has_value());
    const auto& m = row->metadata;
    EXPECT_EQ(m.sop_class_uid, UID_DigitalMammographyXRayImageStorageForPresentation);
    EXPECT_EQ(m.accession_number, scheduled.accession_number);
    EXPECT_EQ(m.patient_id, scheduled.patient_id);
    EXPECT_EQ(m.patient_name, scheduled.patient_name);
    EXPECT_EQ(m.study_instance_uid, scheduled.study_instance_uid);
    EXPECT_EQ(m.modality, "MG");
    EXPECT_EQ(m.image_laterality, laterality[i]);
    EXPECT_EQ(m.view_position, view[i]);
    EXPECT_EQ(m.instance_number, std::to_string(i + 1));
    EXPECT_EQ(row->source_aet, "MG_EMULATOR");
    if (i == 0) series = m.series_instance_uid;
    EXPECT_EQ(m.series_instance_uid, series);  // one series
  }
}

TEST(Emulator, PerformsEveryScheduledMgStepOfTheDay) {
  MwlHarness mwl;
  PacsHarness pacs;
  const std::string today = localDate();
  auto first = appointment("EMU-1", today, "090000");
  auto second = appointment("EMU-2", today, "093000");
  second.scheduled_station_aet = "MAMMO2";
  second.patient_name = "MÜLLER^JÜRGEN";
  auto tomorrow = appointment("EMU-3", localDate(1), "090000");
  auto ultrasound = appointment("EMU-4", today, "100000");
  ultrasound.modality = "US";
  auto started = appointment("EMU-5", today, "110000");
  started.status = "IN PROGRESS";
  for (const auto& item : {first, second, tomorrow, ultrasound, started}) mwl.add(item);

  emulator::ModalityEmulator modality(optionsFor(mwl, pacs, today));
  const auto report = modality.runPass();
  EXPECT_TRUE(report.query_error.empty()) << report.query_error;
  ASSERT_EQ(report.items.size(), 2u) << report.summary();
  EXPECT_TRUE(report.ok()) << report.summary();
  EXPECT_EQ(report.succeeded(), 2u);

  for (const char* accession : {"EMU-1", "EMU-2"}) {
    SCOPED_TRACE(accession);
    const auto* item = findItem(report, accession);
    ASSERT_NE(item, nullptr);
    EXPECT_TRUE(item->ok()) << item->line();
    const auto scheduled = mwl.store().find(accession);
    ASSERT_TRUE(scheduled.has_value());
    expectStoredViews(pacs, *item, *scheduled);
    // MPPS: N-CREATE IN PROGRESS, then N-SET COMPLETED moved the item.
    EXPECT_FALSE(item->mpps_refused) << item->line();
    EXPECT_EQ(item->final_status, "COMPLETED");
    EXPECT_EQ(scheduled->status, "COMPLETED") << item->line();
    EXPECT_EQ(scheduled->mpps_instance_uid, item->performed_step_uid);
  }
  EXPECT_EQ(pacs.rowCount(), 8);
  EXPECT_EQ(mwl.store().find("EMU-3")->status, "SCHEDULED");  // another day
  EXPECT_EQ(mwl.store().find("EMU-4")->status, "SCHEDULED");  // not MG
  EXPECT_EQ(mwl.store().find("EMU-5")->status, "IN PROGRESS");

  // Nothing left to do: a second pass sends nothing.
  const auto again = modality.runPass();
  EXPECT_TRUE(again.ok()) << again.summary();
  EXPECT_TRUE(again.items.empty()) << again.summary();
  EXPECT_EQ(pacs.rowCount(), 8);
}

TEST(Emulator, KeepsToItsStationWhenAsked) {
  MwlHarness mwl;
  PacsHarness pacs;
  const std::string today = localDate();
  auto mine = appointment("ST-1", today);
  mine.scheduled_station_aet = "MAMMO2";
  mwl.add(mine);
  mwl.add(appointment("ST-2", today));  // MAMMO1

  auto options = optionsFor(mwl, pacs, today);
  options.station_aet = "MAMMO2";
  emulator::ModalityEmulator modality(options);
  const auto report = modality.runPass();
  ASSERT_EQ(report.items.size(), 1u) << report.summary();
  EXPECT_EQ(report.items[0].accession_number, "ST-1");
  EXPECT_TRUE(report.ok()) << report.items[0].line();
  EXPECT_EQ(mwl.store().find("ST-2")->status, "SCHEDULED");
  EXPECT_EQ(pacs.rowCount(), 4);
}

TEST(Emulator, DiscontinuesTheStepWhenThePacsRefusesTheImages) {
  MwlHarness mwl;
  // A PACS that takes CT only: the association offers nothing it accepts.
  PacsHarness pacs(
      [](config::GatewayConfig& c) { c.pacs.allowed_sop_classes = {UID_CTImageStorage}; });
  const std::string today = localDate();
  mwl.add(appointment("REF-1", today));
  emulator::ModalityEmulator modality(optionsFor(mwl, pacs, today));
  const auto report = modality.runPass();
  ASSERT_EQ(report.items.size(), 1u) << report.summary();
  const auto& item = report.items[0];
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(item.ok());
  EXPECT_TRUE(item.stored_sop_instance_uids.empty());
  EXPECT_FALSE(item.store_error.empty());
  EXPECT_NE(item.line().find("images 0/4 stored"), std::string::npos) << item.line();
  EXPECT_EQ(item.final_status, "DISCONTINUED");
  EXPECT_EQ(mwl.store().find("REF-1")->status, "DISCONTINUED") << item.line();
  EXPECT_EQ(pacs.rowCount(), 0);
}

TEST(Emulator, ReportsAWorklistItCannotReach) {
  PacsHarness pacs;
  emulator::EmulatorOptions options;
  options.mwl_port = pacs.port();  // a DICOM peer, but not the worklist AE: rejected
  options.mwl_aet = "NOT_THE_MWL";
  options.pacs_port = pacs.port();
  options.timeout = std::chrono::seconds(5);
  emulator::ModalityEmulator modality(options);
  const auto report = modality.runPass();
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.query_error.find("C-FIND to NOT_THE_MWL@127.0.0.1"), std::string::npos)
      << report.query_error;
  EXPECT_TRUE(report.items.empty());
}

}  // namespace
}  // namespace gateway::test
