// The worklist service driven by a DCMTK worklist SCU over loopback, against a real SQLite
// file: what a modality asks, what it gets back.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "services/mwl/worklist_validation.h"
#include "tests/integration/mwl_harness.h"
#include "tests/support/worklist_fixtures.h"

namespace gateway::test {
namespace {

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

DcmItem& step(DcmItem& dataset) {
  DcmItem* s = nullptr;
  dataset.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, s, 0);
  return *s;
}

// The query a mammography modality typically sends: today's MG items, common return keys.
DcmDataset modalityQuery(const std::string& date = "20261128") {
  DcmDataset q;
  q.insertEmptyElement(DCM_PatientName);
  q.insertEmptyElement(DCM_PatientID);
  q.insertEmptyElement(DCM_PatientBirthDate);
  q.insertEmptyElement(DCM_PatientSex);
  q.insertEmptyElement(DCM_AccessionNumber);
  q.insertEmptyElement(DCM_StudyInstanceUID);
  q.insertEmptyElement(DCM_RequestedProcedureID);
  q.insertEmptyElement(DCM_RequestedProcedureDescription);
  DcmItem* s = nullptr;
  q.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, s, -2);
  s->putAndInsertString(DCM_Modality, "MG");
  s->putAndInsertString(DCM_ScheduledProcedureStepStartDate, date.c_str());
  s->insertEmptyElement(DCM_ScheduledProcedureStepStartTime);
  s->insertEmptyElement(DCM_ScheduledStationAETitle);
  s->insertEmptyElement(DCM_ScheduledProcedureStepID);
  return q;
}

std::vector<std::string> accessions(const FindOutcome& outcome) {
  std::vector<std::string> out;
  for (const auto& m : outcome.matches) out.push_back(text(*m, DCM_AccessionNumber));
  return out;
}

TEST(MwlScp, ReturnsTodaysItemsWithEveryTypeOneKeyFilled) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  mwl.add(appointment("A2", "20261128", "101500"));
  mwl.add(appointment("B1", "20261129"));
  auto ct = appointment("C1");
  ct.modality = "CT";
  mwl.add(ct);
  WorklistScu scu(mwl.port());
  DcmDataset q = modalityQuery();
  const auto outcome = scu.find(q);
  ASSERT_TRUE(outcome.condition.good()) << outcome.condition.text();
  EXPECT_EQ(outcome.final_status, 0x0000);
  EXPECT_EQ(accessions(outcome), (std::vector<std::string>{"A1", "A2"}));
  DcmDataset& first = *outcome.matches[0];
  EXPECT_EQ(text(first, DCM_PatientID), "PID-A1");
  EXPECT_FALSE(text(first, DCM_StudyInstanceUID).empty());
  EXPECT_EQ(text(first, DCM_RequestedProcedureID), "A1");
  EXPECT_EQ(text(step(first), DCM_ScheduledProcedureStepID), "A1");
  EXPECT_EQ(text(step(first), DCM_ScheduledProcedureStepStartTime), "093000");
  EXPECT_EQ(text(step(first), DCM_ScheduledStationAETitle), "MAMMO1");
  scu.releaseAssociation();
}

TEST(MwlScp, ReturnsExactlyTheRequestedKeys) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  WorklistScu scu(mwl.port());
  DcmDataset q;
  q.insertEmptyElement(DCM_PatientName);
  q.insertEmptyElement(DCM_PatientWeight);
  DcmItem* s = nullptr;
  q.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, s, -2);
  s->insertEmptyElement(DCM_Modality);
  const auto outcome = scu.find(q);
  ASSERT_EQ(outcome.matches.size(), 1u);
  DcmDataset& r = *outcome.matches[0];
  // Patient Name, Patient Weight (zero-length), the step, and Specific Character Set.
  EXPECT_TRUE(r.tagExists(DCM_PatientName));
  EXPECT_TRUE(r.tagExists(DCM_PatientWeight));
  EXPECT_TRUE(r.tagExists(DCM_SpecificCharacterSet));
  EXPECT_FALSE(r.tagExists(DCM_PatientID));
  EXPECT_FALSE(r.tagExists(DCM_AccessionNumber));
  EXPECT_EQ(r.card(), 4u);
  EXPECT_EQ(step(r).card(), 1u);
  EXPECT_EQ(text(step(r), DCM_Modality), "MG");
  scu.releaseAssociation();
}

TEST(MwlScp, MatchesEachKindOfKey) {
  MwlHarness mwl;
  auto a = appointment("A1", "20261128", "083000");
  a.patient_name = "MÜLLER^JÜRGEN";
  a.patient_id = "P-100";
  mwl.add(a);
  auto b = appointment("A2", "20261128", "143000");
  b.patient_name = "SMITH^JOHN";
  b.scheduled_station_aet = "MAMMO2";
  b.study_instance_uid = "1.2.826.0.1.3680043.10.543.7";
  mwl.add(b);
  auto c = appointment("A3", "20261201", "090000");
  c.patient_name = "O'BRIEN^SIÂN";
  mwl.add(c);
  WorklistScu scu(mwl.port());

  struct Case {
    const char* name;
    std::function<void(DcmDataset&)> set;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"person name wildcard, any case, non-ASCII",
       [](DcmDataset& q) { q.putAndInsertString(DCM_PatientName, "müller*"); },
       {"A1"}},
      {"family name alone",
       [](DcmDataset& q) { q.putAndInsertString(DCM_PatientName, "SMITH"); },
       {"A2"}},
      {"single value", [](DcmDataset& q) { q.putAndInsertString(DCM_PatientID, "P-100"); }, {"A1"}},
      {"wildcard ?",
       [](DcmDataset& q) { q.putAndInsertString(DCM_AccessionNumber, "A?"); },
       {"A1", "A2", "A3"}},
      {"lone star is universal",
       [](DcmDataset& q) { q.putAndInsertString(DCM_PatientID, "*"); },
       {"A1", "A2", "A3"}},
      {"SQL characters are plain",
       [](DcmDataset& q) { q.putAndInsertString(DCM_PatientID, "%"); },
       {}},
      {"UID list",
       [](DcmDataset& q) {
         q.putAndInsertString(DCM_StudyInstanceUID, "1.2.3\\1.2.826.0.1.3680043.10.543.7");
       },
       {"A2"}},
      {"date range",
       [](DcmDataset& q) {
         step(q).putAndInsertString(DCM_ScheduledProcedureStepStartDate, "20261129-");
       },
       {"A3"}},
      {"date and time as one range",
       [](DcmDataset& q) {
         step(q).putAndInsertString(DCM_ScheduledProcedureStepStartDate, "20261128");
         step(q).putAndInsertString(DCM_ScheduledProcedureStepStartTime, "1200-");
       },
       {"A2"}},
      {"station in the step",
       [](DcmDataset& q) { step(q).putAndInsertString(DCM_ScheduledStationAETitle, "MAMMO2"); },
       {"A2"}},
      {"apostrophe in a name",
       [](DcmDataset& q) { q.putAndInsertString(DCM_PatientName, "o'brien^si*"); },
       {"A3"}},
  };
  for (const auto& test_case : cases) {
    SCOPED_TRACE(test_case.name);
    DcmDataset q;
    q.insertEmptyElement(DCM_AccessionNumber);
    q.insertEmptyElement(DCM_PatientName);
    step(q).insertEmptyElement(DCM_Modality);
    test_case.set(q);
    const auto outcome = scu.find(q);
    ASSERT_TRUE(outcome.condition.good());
    EXPECT_EQ(outcome.final_status, 0x0000) << outcome.error_comment;
    EXPECT_EQ(accessions(outcome), test_case.expected);
  }
  scu.releaseAssociation();
}

TEST(MwlScp, OffersOnlyItemsStillToBeDoneUnlessTheStatusIsAsked) {
  MwlHarness mwl;
  mwl.add(appointment("OPEN"));
  auto done = appointment("DONE");
  done.status = "COMPLETED";
  mwl.add(done);
  auto running = appointment("RUN");
  running.status = "IN PROGRESS";
  mwl.add(running);
  WorklistScu scu(mwl.port());
  DcmDataset plain = modalityQuery();
  const auto outcome = scu.find(plain);
  EXPECT_EQ(outcome.matches.size(), 2u);  // OPEN and RUN, not DONE
  DcmDataset completed = modalityQuery();
  step(completed).putAndInsertString(DCM_ScheduledProcedureStepStatus, "COMPLETED");
  EXPECT_EQ(accessions(scu.find(completed)), std::vector<std::string>{"DONE"});
  DcmDataset started = modalityQuery();
  step(started).putAndInsertString(DCM_ScheduledProcedureStepStatus, "STARTED");
  EXPECT_EQ(accessions(scu.find(started)), std::vector<std::string>{"RUN"});
  scu.releaseAssociation();
}

TEST(MwlScp, CallingAeStandsInForAMissingStationWhenConfigured) {
  MwlHarness mwl([](config::GatewayConfig& c) { c.mwl.calling_aet_as_station = true; });
  mwl.add(appointment("MINE"));
  auto other = appointment("THEIRS");
  other.scheduled_station_aet = "MAMMO2";
  mwl.add(other);
  WorklistScu scu(mwl.port(), "MAMMO2");
  DcmDataset q = modalityQuery();
  EXPECT_EQ(accessions(scu.find(q)), std::vector<std::string>{"THEIRS"});
  scu.releaseAssociation();
}

TEST(MwlScp, CancelStopsTheResponses) {
  MwlHarness mwl;
  std::vector<mwl::WorklistItem> items;
  for (int i = 0; i < 1000; ++i) {
    auto item = appointment("C" + std::to_string(1000 + i));
    ASSERT_TRUE(mwl::validateAndComplete(item).empty());
    items.push_back(item);
  }
  test::importItems(mwl.store(), items);
  WorklistScu scu(mwl.port());
  DcmDataset q = modalityQuery();
  const auto outcome = scu.find(q, 1);
  EXPECT_EQ(outcome.final_status, 0xFE00);
  EXPECT_LT(outcome.matches.size(), 1000u);
  // The association is still usable.
  DcmDataset again = modalityQuery();
  again.putAndInsertString(DCM_AccessionNumber, "C1000");
  EXPECT_EQ(scu.find(again).matches.size(), 1u);
  scu.releaseAssociation();
}

TEST(MwlScp, AnswersAnInvalidIdentifierWithAFailureAndStaysUsable) {
  MwlHarness mwl;
  mwl.add(appointment("A1"));
  WorklistScu scu(mwl.port());
  DcmDataset bad;
  step(bad).putAndInsertString(DCM_ScheduledProcedureStepStartDate, "28.11.2026");
  const auto outcome = scu.find(bad);
  EXPECT_EQ(outcome.final_status, 0xA900);
  EXPECT_NE(outcome.error_comment.find("not a date"), std::string::npos) << outcome.error_comment;
  EXPECT_TRUE(outcome.matches.empty());
  DcmDataset good = modalityQuery();
  EXPECT_EQ(scu.find(good).matches.size(), 1u);
  scu.releaseAssociation();
}

TEST(MwlScp, RepliesInTheQuerysCharacterSetOrTheConfiguredOne) {
  MwlHarness mwl;
  auto a = appointment("A1");
  a.patient_name = "Ó'BRIEN^SIÂN";
  mwl.add(a);
  WorklistScu scu(mwl.port());
  DcmDataset latin1 = modalityQuery();
  latin1.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
  auto outcome = scu.find(latin1);
  ASSERT_EQ(outcome.matches.size(), 1u);
  EXPECT_EQ(text(*outcome.matches[0], DCM_SpecificCharacterSet), "ISO_IR 100");
  EXPECT_EQ(text(*outcome.matches[0], DCM_PatientName), "\xD3'BRIEN^SI\xC2N");
  DcmDataset plain = modalityQuery();
  outcome = scu.find(plain);
  ASSERT_EQ(outcome.matches.size(), 1u);
  EXPECT_EQ(text(*outcome.matches[0], DCM_SpecificCharacterSet), "ISO_IR 192");
  EXPECT_EQ(text(*outcome.matches[0], DCM_PatientName), "Ó'BRIEN^SIÂN");
  scu.releaseAssociation();
}

TEST(MwlScp, ConcurrentQueriesSeeImportsAsTheyCommit) {
  MwlHarness mwl;
  std::atomic<bool> failed{false};
  std::thread importer([&] {
    for (int batch = 0; batch < 10; ++batch) {
      std::vector<mwl::WorklistItem> items;
      for (int i = 0; i < 20; ++i) {
        auto item = appointment("I" + std::to_string(batch * 100 + i));
        mwl::validateAndComplete(item);
        items.push_back(item);
      }
      test::importItems(mwl.store(), items);
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      WorklistScu scu(mwl.port(), "READER");
      std::size_t last = 0;
      for (int i = 0; i < 15; ++i) {
        DcmDataset q = modalityQuery();
        const auto outcome = scu.find(q);
        // Whole batches only: a transaction is seen entirely or not at all.
        if (outcome.final_status != 0 || outcome.matches.size() < last ||
            outcome.matches.size() % 20 != 0) {
          failed = true;
        }
        last = outcome.matches.size();
      }
      scu.releaseAssociation();
    });
  }
  importer.join();
  for (auto& t : readers) t.join();
  EXPECT_FALSE(failed.load());
  WorklistScu scu(mwl.port());
  DcmDataset q = modalityQuery();
  EXPECT_EQ(scu.find(q).matches.size(), 200u);
  scu.releaseAssociation();
}

}  // namespace
}  // namespace gateway::test
