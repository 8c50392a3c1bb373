// Query parsing, response building and the reply character set, on in-memory datasets.
#include "services/mwl/worklist_query.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>

#include "common/matching/query_charset.h"
#include "services/mwl/worklist_response.h"

namespace gateway::mwl {
namespace {

WorklistItem item() {
  WorklistItem i;
  i.accession_number = "ACC1";
  i.patient_id = "PID1";
  i.patient_name = "MÜLLER^JÜRGEN";
  i.patient_birth_date = "19700101";
  i.study_instance_uid = "1.2.3";
  i.requested_procedure_id = "ACC1";
  i.scheduled_step_id = "ACC1";
  i.scheduled_date = "20261128";
  i.scheduled_time = "093000";
  i.modality = "MG";
  i.scheduled_station_aet = "MAMMO1";
  i.procedure_code = "SCRMAMMO";
  i.procedure_code_scheme = "LOCAL";
  i.procedure_code_meaning = "Screening mammography";
  i.status = kScheduled;
  return i;
}

DcmItem* stepOf(DcmItem& dataset) {
  DcmItem* step = nullptr;
  dataset.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
  return step;
}

TEST(WorklistQuery, OnlyItemsStillToBeDoneUnlessStatusIsAskedFor) {
  DcmDataset q;
  q.insertEmptyElement(DCM_PatientName);
  auto parsed = parseWorklistQuery(q, "MOD", false);
  ASSERT_TRUE(parsed.query);
  WorklistItem done = item();
  done.status = kCompleted;
  EXPECT_TRUE(parsed.query->matches(item()));
  EXPECT_FALSE(parsed.query->matches(done));

  stepOf(q)->putAndInsertString(DCM_ScheduledProcedureStepStatus, "COMPLETED");
  parsed = parseWorklistQuery(q, "MOD", false);
  ASSERT_TRUE(parsed.query);
  EXPECT_TRUE(parsed.query->matches(done));
  EXPECT_FALSE(parsed.query->matches(item()));
  EXPECT_TRUE(parsed.query->prefilter().statuses.empty());
}

TEST(WorklistQuery, MatchesInsideTheScheduledProcedureStep) {
  DcmDataset q;
  DcmItem* step = stepOf(q);
  step->putAndInsertString(DCM_Modality, "MG");
  step->putAndInsertString(DCM_ScheduledStationAETitle, "MAMMO*");
  step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, "20261128");
  auto parsed = parseWorklistQuery(q, "MOD", false);
  ASSERT_TRUE(parsed.query);
  EXPECT_TRUE(parsed.query->matches(item()));
  WorklistItem ct = item();
  ct.modality = "CT";
  EXPECT_FALSE(parsed.query->matches(ct));
  const auto filter = parsed.query->prefilter();
  EXPECT_EQ(filter.date_from, "20261128");
  EXPECT_EQ(filter.date_to, "20261128");
  EXPECT_EQ(filter.modality, "MG");
  EXPECT_EQ(filter.station_aet, "");  // a wildcard cannot use the index
}

TEST(WorklistQuery, UsesTheCallingAeAsStationWhenConfiguredAndNoneIsAsked) {
  DcmDataset q;
  stepOf(q)->insertEmptyElement(DCM_ScheduledStationAETitle);
  auto parsed = parseWorklistQuery(q, "MAMMO2", true);
  ASSERT_TRUE(parsed.query);
  EXPECT_FALSE(parsed.query->matches(item()));
  parsed = parseWorklistQuery(q, "MAMMO1", true);
  EXPECT_TRUE(parsed.query->matches(item()));
  parsed = parseWorklistQuery(q, "MAMMO2", false);
  EXPECT_TRUE(parsed.query->matches(item()));
}

TEST(WorklistQuery, RejectsInvalidIdentifiers) {
  DcmDataset bad_date;
  stepOf(bad_date)->putAndInsertString(DCM_ScheduledProcedureStepStartDate, "2026-11-28");
  EXPECT_FALSE(parseWorklistQuery(bad_date, "M", false).query);
  DcmDataset bad_uid;
  bad_uid.putAndInsertString(DCM_StudyInstanceUID, "1.2.x");
  EXPECT_NE(parseWorklistQuery(bad_uid, "M", false).error.find("UID"), std::string::npos);
  DcmDataset two_steps;
  DcmItem* first = nullptr;
  DcmItem* second = nullptr;
  two_steps.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, first, 0);
  two_steps.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, second, 1);
  EXPECT_NE(parseWorklistQuery(two_steps, "M", false).error.find("more than one item"),
            std::string::npos);
}

TEST(WorklistResponse, ReturnsExactlyTheKeysAskedForWithNestedSequences) {
  DcmDataset q;
  q.insertEmptyElement(DCM_PatientName);
  q.insertEmptyElement(DCM_PatientWeight);  // a key we do not hold: zero-length
  q.insertEmptyElement(DCM_RequestedProcedureCodeSequence);
  DcmItem* step = stepOf(q);
  step->insertEmptyElement(DCM_Modality);
  step->insertEmptyElement(DCM_ScheduledProcedureStepStatus);
  auto response = buildWorklistResponse(q, item());
  EXPECT_EQ(response->card(), 4u);  // name, weight, code sequence, step
  OFString value;
  EXPECT_TRUE(response->findAndGetOFString(DCM_PatientName, value).good());
  EXPECT_EQ(std::string(value.c_str()), "MÜLLER^JÜRGEN");
  EXPECT_TRUE(response->tagExists(DCM_PatientWeight));
  EXPECT_FALSE(response->tagExists(DCM_PatientID));
  DcmItem* code = nullptr;
  ASSERT_TRUE(response->findAndGetSequenceItem(DCM_RequestedProcedureCodeSequence, code, 0).good());
  EXPECT_TRUE(code->findAndGetOFString(DCM_CodeValue, value).good());
  EXPECT_EQ(std::string(value.c_str()), "SCRMAMMO");
  DcmItem* out_step = nullptr;
  ASSERT_TRUE(
      response->findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, out_step, 0).good());
  EXPECT_EQ(out_step->card(), 2u);
  out_step->findAndGetOFString(DCM_ScheduledProcedureStepStatus, value);
  EXPECT_EQ(std::string(value.c_str()), "SCHEDULED");
}

TEST(WorklistResponse, AnEmptyStepItemAsksForTheWholeStep) {
  DcmDataset q;
  DcmItem* step = nullptr;
  q.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
  auto response = buildWorklistResponse(q, item());
  DcmItem* out_step = nullptr;
  ASSERT_TRUE(
      response->findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, out_step, 0).good());
  EXPECT_TRUE(out_step->tagExists(DCM_ScheduledStationAETitle));
  EXPECT_TRUE(out_step->tagExists(DCM_ScheduledProcedureStepStartDate));
  EXPECT_TRUE(out_step->tagExists(DCM_ScheduledProcedureStepID));
}

TEST(ReplyCharset, ChoosesNoneForAsciiThenTheQuerysThenTheConfiguredOne) {
  auto fitsLatin1 = [](const std::string& cs) { return cs == "ISO_IR 100" || cs == "ISO_IR 192"; };
  auto fitsOnlyUtf8 = [](const std::string& cs) { return cs == "ISO_IR 192"; };
  EXPECT_EQ(match::chooseReplyCharset(true, "ISO_IR 100", "ISO_IR 192", fitsLatin1), "");
  EXPECT_EQ(match::chooseReplyCharset(false, "ISO_IR 100", "ISO_IR 192", fitsLatin1), "ISO_IR 100");
  EXPECT_EQ(match::chooseReplyCharset(false, "", "ISO_IR 192", fitsLatin1), "ISO_IR 192");
  EXPECT_EQ(match::chooseReplyCharset(false, "", "ISO_IR 100", fitsLatin1), "ISO_IR 100");
  EXPECT_EQ(match::chooseReplyCharset(false, "ISO_IR 100", "ISO_IR 100", fitsOnlyUtf8),
            "ISO_IR 192");
}

TEST(ReplyCharset, EncodesLatin1WhenTheQueryDeclaredIt) {
  DcmDataset q;
  q.insertEmptyElement(DCM_PatientName);
  auto response = buildWorklistResponse(q, item());
  match::encodeReply(*response, "ISO_IR 100", "ISO_IR 192");
  OFString charset;
  OFString name;
  response->findAndGetOFString(DCM_SpecificCharacterSet, charset);
  response->findAndGetOFString(DCM_PatientName, name);
  EXPECT_EQ(std::string(charset.c_str()), "ISO_IR 100");
  EXPECT_EQ(std::string(name.c_str()), "M\xDCLLER^J\xDCRGEN");  // Latin-1 bytes
}

}  // namespace
}  // namespace gateway::mwl
