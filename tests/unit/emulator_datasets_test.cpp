#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "services/emulator/modality_emulator.h"
#include "services/emulator/mpps_datasets.h"
#include "services/emulator/scheduled_step.h"
#include "services/supervisor/command_line.h"

namespace gateway::emulator {
namespace {

std::string get(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

ScheduledStep step() {
  ScheduledStep s;
  s.patient_name = "DOE^JANE";
  s.patient_id = "PID-7";
  s.patient_birth_date = "19700101";
  s.patient_sex = "F";
  s.accession_number = "ACC-7";
  s.study_instance_uid = "1.2.3.7";
  s.requested_procedure_id = "RP-7";
  s.requested_procedure_description = "Screening mammography";
  s.step_id = "SPS-7";
  s.step_description = "Four views";
  s.step_status = "SCHEDULED";
  s.modality = "MG";
  return s;
}

TEST(EmulatorWorklistQuery, AsksForTodaysMgStepsOfEveryStationByDefault) {
  auto query = buildWorklistQuery("20261128", "");
  DcmItem* sps = nullptr;
  ASSERT_TRUE(query->findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, sps, 0).good());
  EXPECT_EQ(get(*sps, DCM_Modality), "MG");
  EXPECT_EQ(get(*sps, DCM_ScheduledProcedureStepStartDate), "20261128");
  EXPECT_TRUE(sps->tagExists(DCM_ScheduledStationAETitle));
  EXPECT_EQ(get(*sps, DCM_ScheduledStationAETitle), "");  // a return key, not a filter
  for (const DcmTagKey& tag :
       {DCM_ScheduledProcedureStepStartTime, DCM_ScheduledProcedureStepID,
        DCM_ScheduledProcedureStepDescription, DCM_ScheduledProcedureStepStatus}) {
    EXPECT_TRUE(sps->tagExists(tag)) << DcmTag(tag).getTagName();
  }
  for (const DcmTagKey& tag : {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex,
                               DCM_AccessionNumber, DCM_StudyInstanceUID, DCM_RequestedProcedureID,
                               DCM_RequestedProcedureDescription, DCM_ReferringPhysicianName}) {
    EXPECT_TRUE(query->tagExists(tag)) << DcmTag(tag).getTagName();
  }
}

TEST(EmulatorWorklistQuery, FiltersOnTheStationWhenGiven) {
  auto query = buildWorklistQuery("20261128", "MAMMO2");
  DcmItem* sps = nullptr;
  ASSERT_TRUE(query->findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, sps, 0).good());
  EXPECT_EQ(get(*sps, DCM_ScheduledStationAETitle), "MAMMO2");
}

TEST(EmulatorWorklistQuery, ReadsAnAnswerConvertingLatin1ToUtf8) {
  DcmDataset answer;
  answer.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
  answer.putAndInsertString(DCM_PatientName, "M\xDCLLER^J\xDCRGEN");
  answer.putAndInsertString(DCM_PatientID, "P1");
  answer.putAndInsertString(DCM_AccessionNumber, "A1");
  answer.putAndInsertString(DCM_StudyInstanceUID, "1.2.3");
  DcmItem* sps = nullptr;
  ASSERT_TRUE(answer.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, sps, -2).good());
  sps->putAndInsertString(DCM_Modality, "MG");
  sps->putAndInsertString(DCM_ScheduledStationAETitle, "MAMMO1");
  sps->putAndInsertString(DCM_ScheduledProcedureStepID, "S1");
  sps->putAndInsertString(DCM_ScheduledProcedureStepStatus, "SCHEDULED");
  const ScheduledStep s = scheduledStepFromResponse(answer);
  EXPECT_EQ(s.patient_name, "MÜLLER^JÜRGEN");
  EXPECT_TRUE(hasNonAscii(s));
  EXPECT_EQ(s.accession_number, "A1");
  EXPECT_EQ(s.study_instance_uid, "1.2.3");
  EXPECT_EQ(s.modality, "MG");
  EXPECT_EQ(s.station_aet, "MAMMO1");
  EXPECT_EQ(s.step_id, "S1");
  EXPECT_EQ(s.step_status, "SCHEDULED");
  EXPECT_EQ(s.patient_birth_date, "");  // missing: empty
}

TEST(EmulatorMppsDatasets, InProgressCarriesThePerformedStepAndTheScheduledStep) {
  PerformedStep performed;
  performed.sop_instance_uid = "2.25.1";
  performed.id = "E1";
  performed.station_aet = "EMULATOR";
  performed.start_date = "20261128";
  performed.start_time = "093000";
  performed.description = "Four views";
  auto d = buildInProgress(step(), performed);
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepStatus), "IN PROGRESS");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepID), "E1");
  EXPECT_EQ(get(*d, DCM_PerformedStationAETitle), "EMULATOR");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepStartDate), "20261128");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepStartTime), "093000");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepDescription), "Four views");
  EXPECT_EQ(get(*d, DCM_Modality), "MG");
  EXPECT_EQ(get(*d, DCM_PatientName), "DOE^JANE");
  EXPECT_EQ(get(*d, DCM_PatientID), "PID-7");
  EXPECT_EQ(get(*d, DCM_PatientBirthDate), "19700101");
  EXPECT_EQ(get(*d, DCM_PatientSex), "F");
  EXPECT_EQ(get(*d, DCM_StudyInstanceUID), "1.2.3.7");
  // Type 2 attributes present and empty until N-SET.
  EXPECT_TRUE(d->tagExists(DCM_PerformedProcedureStepEndDate));
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepEndDate), "");
  EXPECT_TRUE(d->tagExists(DCM_PerformedProcedureStepEndTime));
  DcmSequenceOfItems* series = nullptr;
  ASSERT_TRUE(d->findAndGetSequence(DCM_PerformedSeriesSequence, series).good());
  EXPECT_EQ(series->card(), 0u);
  DcmSequenceOfItems* scheduled = nullptr;
  ASSERT_TRUE(d->findAndGetSequence(DCM_ScheduledStepAttributesSequence, scheduled).good());
  ASSERT_EQ(scheduled->card(), 1u);
  DcmItem& item = *scheduled->getItem(0);
  EXPECT_EQ(get(item, DCM_AccessionNumber), "ACC-7");
  EXPECT_EQ(get(item, DCM_StudyInstanceUID), "1.2.3.7");
  EXPECT_EQ(get(item, DCM_RequestedProcedureID), "RP-7");
  EXPECT_EQ(get(item, DCM_ScheduledProcedureStepID), "SPS-7");
  EXPECT_EQ(get(item, DCM_ScheduledProcedureStepDescription), "Four views");
  EXPECT_FALSE(d->tagExists(DCM_SpecificCharacterSet));
}

TEST(EmulatorMppsDatasets, FinalListsTheSeriesAndItsImages) {
  PerformedSeries series;
  series.series_instance_uid = "2.25.9";
  series.series_description = "Screening";
  series.protocol_name = "Four views";
  series.retrieve_aet = "SCREENING_PACS";
  series.sop_class_uid = UID_DigitalMammographyXRayImageStorageForPresentation;
  series.sop_instance_uids = {"2.25.11", "2.25.12", "2.25.13", "2.25.14"};
  auto d = buildFinal("COMPLETED", "20261128", "094500", series, true);
  EXPECT_EQ(get(*d, DCM_SpecificCharacterSet), "ISO_IR 192");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepStatus), "COMPLETED");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepEndDate), "20261128");
  EXPECT_EQ(get(*d, DCM_PerformedProcedureStepEndTime), "094500");
  EXPECT_FALSE(d->tagExists(DCM_PerformedProcedureStepID));  // not settable
  DcmItem* item = nullptr;
  ASSERT_TRUE(d->findAndGetSequenceItem(DCM_PerformedSeriesSequence, item, 0).good());
  EXPECT_EQ(get(*item, DCM_SeriesInstanceUID), "2.25.9");
  EXPECT_EQ(get(*item, DCM_RetrieveAETitle), "SCREENING_PACS");
  EXPECT_EQ(get(*item, DCM_SeriesDescription), "Screening");
  EXPECT_EQ(get(*item, DCM_ProtocolName), "Four views");
  DcmSequenceOfItems* images = nullptr;
  ASSERT_TRUE(item->findAndGetSequence(DCM_ReferencedImageSequence, images).good());
  ASSERT_EQ(images->card(), 4u);
  EXPECT_EQ(get(*images->getItem(2), DCM_ReferencedSOPInstanceUID), "2.25.13");
  EXPECT_EQ(get(*images->getItem(2), DCM_ReferencedSOPClassUID),
            UID_DigitalMammographyXRayImageStorageForPresentation);
}

TEST(EmulatorItemReport, IsOkOnlyWhenAllFourStoredAndCompleted) {
  ItemReport report;
  report.accession_number = "A1";
  report.step_id = "S1";
  report.final_status = "COMPLETED";
  report.stored_sop_instance_uids = {"1", "2", "3", "4"};
  EXPECT_TRUE(report.ok());
  EXPECT_NE(report.line().find("images 4/4 stored"), std::string::npos) << report.line();
  EXPECT_NE(report.line().find(": ok"), std::string::npos);

  ItemReport refused = report;
  refused.final_status.clear();
  refused.mpps_create_error = "MPPS not accepted by MWL_SCP (no presentation context)";
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.line().find("N-CREATE failed: MPPS not accepted"), std::string::npos);
  EXPECT_NE(refused.line().find("FAILED"), std::string::npos);

  ItemReport partial = report;
  partial.stored_sop_instance_uids.pop_back();
  partial.store_error = "RMLO status 0xA700";
  partial.final_status = "DISCONTINUED";
  EXPECT_FALSE(partial.ok());
  EXPECT_NE(partial.line().find("images 3/4 stored (RMLO status 0xA700)"), std::string::npos);
}

}  // namespace
}  // namespace gateway::emulator

namespace gateway::supervisor {
namespace {

ParseResult parse(const std::vector<std::string>& args) { return parseCommandLine(args, {}); }

TEST(EmulateCommandLine, ReadsItsOptions) {
  const auto r = parse({"emulate", "--once", "--station-aet", "MAMMO2", "--calling-aet=MG7",
                        "--timeout", "7", "--host", "10.0.0.9", "--mwl-port", "4300"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  const CommandLine& cl = r.command_line;
  EXPECT_EQ(cl.command, "emulate");
  EXPECT_TRUE(cl.emulate.once);
  EXPECT_EQ(cl.emulate.station_aet, "MAMMO2");
  EXPECT_EQ(cl.emulate.calling_aet, "MG7");
  EXPECT_TRUE(cl.emulate.calling_aet.has_value());
  EXPECT_EQ(cl.emulate.timeout_seconds, 7);
  EXPECT_TRUE(cl.emulate.timeout_seconds.has_value());
  EXPECT_EQ(cl.emulate.host, "10.0.0.9");
  EXPECT_EQ(cl.emulate.interval_seconds, 10);
  ASSERT_EQ(cl.sources.flags.size(), 1u);
  EXPECT_EQ(cl.sources.flags[0].first, "--mwl-port");
}

TEST(EmulateCommandLine, DefaultsAndInterval) {
  const auto r = parse({"emulate", "--interval=3"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.command_line.emulate.once);
  EXPECT_EQ(r.command_line.emulate.interval_seconds, 3);
  EXPECT_TRUE(r.command_line.emulate.station_aet.empty());
  EXPECT_FALSE(r.command_line.emulate.calling_aet.has_value());
  EXPECT_FALSE(r.command_line.emulate.timeout_seconds.has_value());
}

TEST(EmulateCommandLine, RejectsBadValuesAndForeignUse) {
  EXPECT_NE(parse({"emulate", "--interval", "0"}).error.find("--interval"), std::string::npos);
  EXPECT_NE(
      parse({"emulate", "--station-aet", "WAY_TOO_LONG_AE_TITLE_X"}).error.find("--station-aet"),
      std::string::npos);
  EXPECT_NE(parse({"emulate", "--once=yes"}).error.find("takes no value"), std::string::npos);
  EXPECT_NE(parse({"healthcheck", "--once"}).error.find("is an option of the emulate command"),
            std::string::npos);
  EXPECT_NE(parse({"emulate", "extra"}).error.find("unexpected argument"), std::string::npos);
}

TEST(EmulateCommandLine, HasHelp) {
  const auto r = parse({"emulate", "--help"});
  ASSERT_TRUE(r.error.empty());
  EXPECT_TRUE(r.command_line.help);
  EXPECT_EQ(helpTopic(r.command_line), "emulate");
  const std::string help = commandHelp("emulate");
  for (const char* word : {"--once", "--interval", "--station-aet", "--calling-aet", "--timeout",
                           "N-CREATE", "LCC", "Exit 0"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  EXPECT_NE(usageText().find("emulate"), std::string::npos);
}

}  // namespace
}  // namespace gateway::supervisor
