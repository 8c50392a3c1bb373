// Query/Retrieve over the PACS index without a network (PS3.4 C.4.1, C.6.1, C.6.2): the
// identifier's rules, each level of both models, every matching kind of the shared matcher,
// aggregates, only STORED rows, the SQL prefilter, and the retrieve list the C-MOVE/C-GET
// providers send.
#include "services/pacs/qr_query.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <set>

#include "services/pacs/instance_index.h"
#include "services/pacs/qr_engine.h"
#include "services/pacs/qr_find.h"
#include "services/pacs/qr_response.h"
#include "tests/support/temp_dir.h"

namespace gateway::pacs {
namespace {

constexpr const char* kMg = "1.2.840.10008.5.1.4.1.1.1.2";
constexpr const char* kSr = "1.2.840.10008.5.1.4.1.1.88.67";

// A parsed identifier; fails the test when refused.
QrQuery parse(DcmDataset& identifier, QrModel model = QrModel::kStudyRoot,
              QrPurpose purpose = QrPurpose::kFind) {
  auto parsed = parseQrIdentifier(identifier, model, purpose);
  EXPECT_TRUE(parsed.query) << parsed.refusal.comment;
  return parsed.query ? *parsed.query : QrQuery{};
}

// Two patients, three studies, four series, nine rows of which one is MISSING:
//   P1 MÜLLER^ANNA  S1 20261101 093000 A1 "Screening"  SE1 MG #1 (LCC LMLO RCC RMLO), SE2 SR #2
//                   S2 20261201 141500 A2 "Recall"     SE3 MG #1 (two instances: 10 and 2)
//   P2 SMITH^JANE   S3 20261115 080000 B1 "Screening"  SE4 MG #1 (one STORED, one MISSING)
class QrIndex : public ::testing::Test {
 protected:
  QrIndex() : index_(dir_ / "pacs.db") {
    for (const char* view : {"LCC", "LMLO", "RCC", "RMLO"}) {
      add("S1", "SE1", "MG", kMg, std::string("1.1.") + std::to_string(++n_), view);
    }
    add("S1", "SE2", "SR", kSr, "1.1.90", "", "2");
    add("S2", "SE3", "MG", kMg, "1.2.10", "LCC", "1", "10");
    add("S2", "SE3", "MG", kMg, "1.2.2", "RCC", "1", "2");
    add("S3", "SE4", "MG", kMg, "1.3.1", "LCC");
    add("S3", "SE4", "MG", kMg, "1.3.2", "RCC", "1", "", "MISSING");
  }

  void add(const std::string& study, const std::string& series, const std::string& modality,
           const std::string& sop_class, const std::string& uid, const std::string& laterality,
           const std::string& series_number = "1", std::string instance_number = "",
           const std::string& status = "STORED") {
    StoredInstance r;
    auto& m = r.metadata;
    const bool p1 = study != "S3";
    m.patient_id = p1 ? "P1" : "P2";
    m.patient_name = p1 ? "MÜLLER^ANNA" : "SMITH^JANE";
    m.patient_birth_date = p1 ? "19600101" : "19700202";
    m.patient_sex = "F";
    m.study_instance_uid = "2.25." + study.substr(1);
    m.series_instance_uid = "2.25." + study.substr(1) + series.substr(2);
    m.sop_instance_uid = uid;
    m.sop_class_uid = sop_class;
    m.modality = modality;
    m.study_date = study == "S1" ? "20261101" : study == "S2" ? "20261201" : "20261115";
    m.study_time = study == "S1" ? "093000" : study == "S2" ? "141500" : "080000";
    m.accession_number = study == "S1" ? "A1" : study == "S2" ? "A2" : "B1";
    m.study_id = study;
    m.study_description = study == "S2" ? "Recall" : "Screening";
    m.referring_physician_name = "WHO^DOCTOR";
    m.series_number = series_number;
    m.series_description = modality == "SR" ? "Dose" : "Mammo";
    m.instance_number = instance_number.empty() ? std::to_string(++instance_) : instance_number;
    m.image_laterality = laterality.empty() ? "" : laterality.substr(0, 1);
    m.view_position = laterality.size() > 1 ? laterality.substr(1) : "";
    r.storage_path = "p/" + uid;
    r.file_size = 10;
    r.storage_hash = "ff";
    r.status = status;
    index_.upsert(r);
  }

  // The responses to `identifier`, as the SCP would build them (UTF-8).
  std::vector<std::unique_ptr<DcmDataset>> find(DcmDataset& identifier,
                                                QrModel model = QrModel::kStudyRoot) {
    std::vector<std::unique_ptr<DcmDataset>> out;
    QrFindCursor cursor(index_, parse(identifier, model));
    while (auto answer = cursor.next()) {
      out.push_back(buildQrResponse(identifier, cursor.query(), *answer, "SCREENING_PACS"));
    }
    return out;
  }

  test::TempDir dir_;
  InstanceIndex index_;
  int n_ = 0;
  int instance_ = 0;
};

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

DcmDataset identifier(const char* level) {
  DcmDataset q;
  q.putAndInsertString(DCM_QueryRetrieveLevel, level);
  return q;
}

std::multiset<std::string> values(const std::vector<std::unique_ptr<DcmDataset>>& responses,
                                  const DcmTagKey& tag) {
  std::multiset<std::string> out;
  for (const auto& r : responses) out.insert(text(*r, tag));
  return out;
}

ParsedQrQuery refusal(DcmDataset& q, QrModel model = QrModel::kStudyRoot,
                      QrPurpose purpose = QrPurpose::kFind) {
  auto parsed = parseQrIdentifier(q, model, purpose);
  EXPECT_FALSE(parsed.query);
  return parsed;
}

// ---- identifier rules --------------------------------------------------------------------

TEST(QrIdentifier, RefusesAMissingOrUnknownLevelNamingIt) {
  DcmDataset none;
  none.insertEmptyElement(DCM_PatientName);
  auto parsed = refusal(none);
  EXPECT_EQ(parsed.refusal.status, 0xA900);
  EXPECT_NE(parsed.refusal.comment.find("Query/Retrieve Level"), std::string::npos);
  ASSERT_EQ(parsed.refusal.attributes.size(), 1u);
  EXPECT_EQ(parsed.refusal.attributes[0], DCM_QueryRetrieveLevel);
  DcmDataset odd = identifier("FRAME");
  EXPECT_NE(refusal(odd).refusal.comment.find("'FRAME'"), std::string::npos);
}

TEST(QrIdentifier, RefusesPatientLevelInStudyRoot) {
  DcmDataset q = identifier("PATIENT");
  EXPECT_EQ(refusal(q, QrModel::kStudyRoot).refusal.status, 0xA900);
  EXPECT_TRUE(parseQrIdentifier(q, QrModel::kPatientRoot, QrPurpose::kFind).query);
}

TEST(QrIdentifier, RefusesRelationalQueriesNamingTheMissingUniqueKey) {
  // Patient Root STUDY level needs the patient; Study Root SERIES the study; IMAGE the series.
  DcmDataset studies = identifier("STUDY");
  studies.insertEmptyElement(DCM_PatientID);
  auto parsed = refusal(studies, QrModel::kPatientRoot);
  EXPECT_EQ(parsed.refusal.status, 0xA900);
  EXPECT_NE(parsed.refusal.comment.find("relational"), std::string::npos);
  EXPECT_NE(parsed.refusal.comment.find("PatientID"), std::string::npos);
  EXPECT_EQ(parsed.refusal.attributes, std::vector<DcmTagKey>{DCM_PatientID});
  EXPECT_TRUE(parseQrIdentifier(studies, QrModel::kStudyRoot, QrPurpose::kFind).query);

  DcmDataset series = identifier("SERIES");
  EXPECT_NE(refusal(series).refusal.comment.find("StudyInstanceUID"), std::string::npos);
  DcmDataset images = identifier("IMAGE");
  images.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  EXPECT_NE(refusal(images).refusal.comment.find("SeriesInstanceUID"), std::string::npos);
}

TEST(QrIdentifier, NeedsASingleValueInEachUniqueKeyAbove) {
  DcmDataset wildcard = identifier("STUDY");
  wildcard.putAndInsertString(DCM_PatientID, "P*");
  EXPECT_EQ(refusal(wildcard, QrModel::kPatientRoot).refusal.status, 0xA900);
  DcmDataset list = identifier("SERIES");
  list.putAndInsertString(DCM_StudyInstanceUID, "2.25.1\\2.25.2");
  EXPECT_EQ(refusal(list).refusal.status, 0xA900);
  DcmDataset star = identifier("SERIES");
  star.putAndInsertString(DCM_StudyInstanceUID, "*");
  EXPECT_EQ(refusal(star).refusal.status, 0xA900);
}

TEST(QrIdentifier, RefusesInvalidDateTimeAndUidSyntaxNamingTheKey) {
  DcmDataset date = identifier("STUDY");
  date.putAndInsertString(DCM_StudyDate, "01.11.2026");
  auto parsed = refusal(date);
  EXPECT_EQ(parsed.refusal.status, 0xA900);
  EXPECT_NE(parsed.refusal.comment.find("StudyDate"), std::string::npos);
  EXPECT_EQ(parsed.refusal.attributes, std::vector<DcmTagKey>{DCM_StudyDate});
  DcmDataset time = identifier("STUDY");
  time.putAndInsertString(DCM_StudyTime, "25");
  EXPECT_NE(refusal(time).refusal.comment.find("StudyTime"), std::string::npos);
  DcmDataset uid = identifier("STUDY");
  uid.putAndInsertString(DCM_StudyInstanceUID, "1.2.*");
  EXPECT_NE(refusal(uid).refusal.comment.find("StudyInstanceUID"), std::string::npos);
}

TEST(QrIdentifier, KeysBelowTheLevelAndKeysNotHeldDoNotRestrict) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_Modality, "CT");                       // a series key at STUDY level
  q.putAndInsertString(DCM_PatientWeight, "70");                  // not in the index
  q.putAndInsertString(DCM_NumberOfStudyRelatedInstances, "99");  // a count: return key
  const QrQuery query = parse(q);
  EXPECT_TRUE(query.conditions.empty());
  EXPECT_TRUE(query.aggregate_conditions.empty());
  EXPECT_EQ(query.aggregate_levels, std::set<QrLevel>{QrLevel::kStudy});
}

TEST(QrIdentifier, RetrieveNeedsTheUniqueKeyOfItsLevelAndUsesOnlyUniqueKeys) {
  DcmDataset none = identifier("STUDY");
  none.putAndInsertString(DCM_PatientID, "P1");
  auto parsed = refusal(none, QrModel::kPatientRoot, QrPurpose::kRetrieve);
  EXPECT_EQ(parsed.refusal.status, 0xA900);
  EXPECT_EQ(parsed.refusal.attributes, std::vector<DcmTagKey>{DCM_StudyInstanceUID});

  DcmDataset patients = identifier("PATIENT");
  patients.putAndInsertString(DCM_PatientID, "P1\\P2");  // Patient ID: single value only
  EXPECT_EQ(refusal(patients, QrModel::kPatientRoot, QrPurpose::kRetrieve).refusal.attributes,
            std::vector<DcmTagKey>{DCM_PatientID});

  DcmDataset studies = identifier("STUDY");
  studies.putAndInsertString(DCM_StudyInstanceUID, "2.25.1\\2.25.2");
  studies.putAndInsertString(DCM_StudyDate, "19000101");  // not a unique key: ignored
  const auto query = parseQrIdentifier(studies, QrModel::kStudyRoot, QrPurpose::kRetrieve);
  ASSERT_TRUE(query.query);
  ASSERT_EQ(query.query->conditions.size(), 1u);
  EXPECT_EQ(query.query->conditions[0].attribute->tag, DCM_StudyInstanceUID);
}

// ---- prefilter ---------------------------------------------------------------------------

TEST(QrPrefilter, NarrowsOnExactValuesDatesAndUidListsOnly) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_PatientID, "P1");
  q.putAndInsertString(DCM_AccessionNumber, "A*");  // wildcard: the matcher's
  q.putAndInsertString(DCM_PatientName, "müller");  // case-insensitive: the matcher's
  q.putAndInsertString(DCM_StudyDate, "20261101-");
  q.putAndInsertString(DCM_StudyTime, "09-10");  // precision: the matcher's
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.1\\2.25.3");
  const InstanceFilter filter = parse(q).prefilter();
  ASSERT_EQ(filter.one_of.size(), 2u);
  EXPECT_EQ(filter.one_of[0].column, "patient_id");
  EXPECT_EQ(filter.one_of[0].values, std::vector<std::string>{"P1"});
  EXPECT_EQ(filter.one_of[1].column, "study_instance_uid");
  EXPECT_EQ(filter.one_of[1].values, (std::vector<std::string>{"2.25.1", "2.25.3"}));
  ASSERT_EQ(filter.between.size(), 1u);
  EXPECT_EQ(filter.between[0].column, "study_date");
  EXPECT_EQ(filter.between[0].low, "20261101");
  EXPECT_EQ(filter.between[0].high, "");
}

TEST_F(QrIndex, TreatsSqlInAValueAsPlainCharacters) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_PatientID, "P1' OR '1'='1");
  EXPECT_TRUE(find(q).empty());
  DcmDataset like = identifier("STUDY");
  like.putAndInsertString(DCM_AccessionNumber, "A%");
  EXPECT_TRUE(find(like).empty());
}

// ---- levels and models -------------------------------------------------------------------

TEST_F(QrIndex, PatientRootPatientLevelReturnsEachPatientOnceWithItsCounts) {
  DcmDataset q = identifier("PATIENT");
  q.insertEmptyElement(DCM_PatientName);
  q.insertEmptyElement(DCM_PatientID);
  q.insertEmptyElement(DCM_NumberOfPatientRelatedStudies);
  q.insertEmptyElement(DCM_NumberOfPatientRelatedSeries);
  q.insertEmptyElement(DCM_NumberOfPatientRelatedInstances);
  const auto all = find(q, QrModel::kPatientRoot);
  ASSERT_EQ(all.size(), 2u);
  for (const auto& r : all) {
    const bool p1 = text(*r, DCM_PatientID) == "P1";
    EXPECT_EQ(text(*r, DCM_QueryRetrieveLevel), "PATIENT");
    EXPECT_EQ(text(*r, DCM_RetrieveAETitle), "SCREENING_PACS");
    EXPECT_EQ(text(*r, DCM_NumberOfPatientRelatedStudies), p1 ? "2" : "1");
    EXPECT_EQ(text(*r, DCM_NumberOfPatientRelatedSeries), p1 ? "3" : "1");
    EXPECT_EQ(text(*r, DCM_NumberOfPatientRelatedInstances), p1 ? "7" : "1");  // MISSING not
  }
}

TEST_F(QrIndex, MatchesPersonNamesCaseInsensitivelyWithWildcards) {
  DcmDataset q = identifier("PATIENT");
  q.putAndInsertString(DCM_PatientName, "müller*");
  const auto found = find(q, QrModel::kPatientRoot);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(text(*found[0], DCM_PatientName), "MÜLLER^ANNA");
  EXPECT_EQ(text(*found[0], DCM_PatientID), "P1");  // the level's unique key, though not asked
  DcmDataset family = identifier("PATIENT");
  family.putAndInsertString(DCM_PatientName, "smith");
  EXPECT_EQ(values(find(family, QrModel::kPatientRoot), DCM_PatientName),
            std::multiset<std::string>{"SMITH^JANE"});
}

TEST_F(QrIndex, PatientRootStudyLevelListsThePatientsStudies) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_PatientID, "P1");
  q.insertEmptyElement(DCM_StudyInstanceUID);
  q.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(q, QrModel::kPatientRoot), DCM_AccessionNumber),
            (std::multiset<std::string>{"A1", "A2"}));
}

TEST_F(QrIndex, StudyRootStudyLevelMatchesDateRangesAndSingleDates) {
  DcmDataset range = identifier("STUDY");
  range.putAndInsertString(DCM_StudyDate, "20261101-20261130");
  range.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(range), DCM_AccessionNumber), (std::multiset<std::string>{"A1", "B1"}));
  DcmDataset before = identifier("STUDY");
  before.putAndInsertString(DCM_StudyDate, "-20261110");
  before.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(before), DCM_AccessionNumber), std::multiset<std::string>{"A1"});
  DcmDataset after = identifier("STUDY");
  after.putAndInsertString(DCM_StudyDate, "20261115-");
  after.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(after), DCM_AccessionNumber), (std::multiset<std::string>{"A2", "B1"}));
  DcmDataset one = identifier("STUDY");
  one.putAndInsertString(DCM_StudyDate, "20261201");
  EXPECT_EQ(find(one).size(), 1u);
}

TEST_F(QrIndex, MatchesTimesAtTheirPrecision) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_StudyTime, "09");  // 09:00:00-09:59:59
  q.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(q), DCM_AccessionNumber), std::multiset<std::string>{"A1"});
  DcmDataset range = identifier("STUDY");
  range.putAndInsertString(DCM_StudyTime, "0800-1000");
  range.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(range), DCM_AccessionNumber), (std::multiset<std::string>{"A1", "B1"}));
}

TEST_F(QrIndex, MatchesWildcardsAndSingleValuesCaseSensitively) {
  DcmDataset wild = identifier("STUDY");
  wild.putAndInsertString(DCM_AccessionNumber, "A?");
  EXPECT_EQ(find(wild).size(), 2u);
  DcmDataset lower = identifier("STUDY");
  lower.putAndInsertString(DCM_StudyDescription, "screening");
  EXPECT_TRUE(find(lower).empty());
  DcmDataset exact = identifier("STUDY");
  exact.putAndInsertString(DCM_StudyDescription, "Screening");
  EXPECT_EQ(find(exact).size(), 2u);
}

TEST_F(QrIndex, MatchesListsOfUids) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.1\\2.25.3\\2.25.99");
  q.insertEmptyElement(DCM_AccessionNumber);
  EXPECT_EQ(values(find(q), DCM_AccessionNumber), (std::multiset<std::string>{"A1", "B1"}));
}

TEST_F(QrIndex, ComputesStudyAggregatesAndMatchesModalitiesInStudy) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_ModalitiesInStudy, "SR");
  q.insertEmptyElement(DCM_SOPClassesInStudy);
  q.insertEmptyElement(DCM_NumberOfStudyRelatedSeries);
  q.insertEmptyElement(DCM_NumberOfStudyRelatedInstances);
  const auto found = find(q);
  ASSERT_EQ(found.size(), 1u);
  DcmDataset& s1 = *found[0];
  EXPECT_EQ(text(s1, DCM_StudyInstanceUID), "2.25.1");
  EXPECT_EQ(text(s1, DCM_ModalitiesInStudy), "MG\\SR");
  EXPECT_EQ(text(s1, DCM_SOPClassesInStudy), std::string(kMg) + "\\" + kSr);
  EXPECT_EQ(text(s1, DCM_NumberOfStudyRelatedSeries), "2");
  EXPECT_EQ(text(s1, DCM_NumberOfStudyRelatedInstances), "5");

  DcmDataset either = identifier("STUDY");
  either.putAndInsertString(DCM_ModalitiesInStudy, "CT\\MG");
  EXPECT_EQ(find(either).size(), 3u);
  DcmDataset neither = identifier("STUDY");
  neither.putAndInsertString(DCM_ModalitiesInStudy, "CT");
  EXPECT_TRUE(find(neither).empty());
  DcmDataset by_class = identifier("STUDY");
  by_class.putAndInsertString(DCM_SOPClassesInStudy, kSr);
  EXPECT_EQ(find(by_class).size(), 1u);
}

TEST_F(QrIndex, CountsOnlyStoredInstances) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.3");
  q.insertEmptyElement(DCM_NumberOfStudyRelatedInstances);
  const auto found = find(q);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(text(*found[0], DCM_NumberOfStudyRelatedInstances), "1");
}

TEST_F(QrIndex, SeriesLevelListsTheStudysSeriesWithTheirCounts) {
  DcmDataset q = identifier("SERIES");
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  q.insertEmptyElement(DCM_Modality);
  q.insertEmptyElement(DCM_SeriesNumber);
  q.insertEmptyElement(DCM_NumberOfSeriesRelatedInstances);
  const auto found = find(q);
  ASSERT_EQ(found.size(), 2u);
  for (const auto& r : found) {
    EXPECT_EQ(text(*r, DCM_QueryRetrieveLevel), "SERIES");
    EXPECT_FALSE(text(*r, DCM_SeriesInstanceUID).empty());  // unique key always returned
    EXPECT_EQ(text(*r, DCM_NumberOfSeriesRelatedInstances),
              text(*r, DCM_Modality) == "MG" ? "4" : "1");
  }
  DcmDataset mg = identifier("SERIES");
  mg.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  mg.putAndInsertString(DCM_Modality, "MG");
  EXPECT_EQ(find(mg).size(), 1u);
  // Patient Root needs the patient too, and finds the same.
  mg.putAndInsertString(DCM_PatientID, "P1");
  EXPECT_EQ(find(mg, QrModel::kPatientRoot).size(), 1u);
}

TEST_F(QrIndex, ImageLevelListsTheSeriesInstancesButNeverAMissingOne) {
  DcmDataset q = identifier("IMAGE");
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  q.putAndInsertString(DCM_SeriesInstanceUID, "2.25.11");
  q.insertEmptyElement(DCM_SOPClassUID);
  q.insertEmptyElement(DCM_InstanceNumber);
  const auto found = find(q);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(text(*found[0], DCM_SOPClassUID), kMg);
  DcmDataset left = identifier("IMAGE");
  left.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  left.putAndInsertString(DCM_SeriesInstanceUID, "2.25.11");
  left.putAndInsertString(DCM_ImageLaterality, "L");
  EXPECT_EQ(values(find(left), DCM_SOPInstanceUID), (std::multiset<std::string>{"1.1.1", "1.1.2"}));
  DcmDataset missing = identifier("IMAGE");
  missing.putAndInsertString(DCM_StudyInstanceUID, "2.25.3");
  missing.putAndInsertString(DCM_SeriesInstanceUID, "2.25.34");
  EXPECT_EQ(values(find(missing), DCM_SOPInstanceUID), std::multiset<std::string>{"1.3.1"});
}

TEST_F(QrIndex, ReturnsOnlyTheKeysAskedForPlusLevelAetAndUniqueKey) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.2");
  q.insertEmptyElement(DCM_StudyDescription);
  q.insertEmptyElement(DCM_Modality);                 // below the level: zero-length
  q.insertEmptyElement(DCM_PatientWeight);            // not held: zero-length
  q.insertEmptyElement(DCM_ReferencedStudySequence);  // a sequence we do not hold: empty
  const auto found = find(q);
  ASSERT_EQ(found.size(), 1u);
  DcmDataset& r = *found[0];
  EXPECT_EQ(r.card(), 7u);  // the five asked for, level, Retrieve AE Title
  EXPECT_EQ(text(r, DCM_StudyDescription), "Recall");
  EXPECT_TRUE(r.tagExists(DCM_Modality));
  EXPECT_EQ(text(r, DCM_Modality), "");
  EXPECT_TRUE(r.tagExists(DCM_PatientWeight));
  EXPECT_FALSE(r.tagExists(DCM_PatientName));
  EXPECT_EQ(text(r, DCM_QueryRetrieveLevel), "STUDY");
  EXPECT_EQ(text(r, DCM_RetrieveAETitle), "SCREENING_PACS");
}

TEST_F(QrIndex, FindsEachStudyOnceHoweverManyInstancesMatch) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_PatientName, "MÜLLER*");
  QrFindCursor cursor(index_, parse(q));
  EXPECT_EQ(cursor.entities(), 2u);
  int answers = 0;
  while (cursor.next()) ++answers;
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(cursor.answered(), 2u);
}

TEST_F(QrIndex, AnswersFromTheRowsStoredWhenTheAnswerIsDrawn) {
  DcmDataset q = identifier("STUDY");
  q.insertEmptyElement(DCM_AccessionNumber);
  q.insertEmptyElement(DCM_NumberOfStudyRelatedInstances);
  QrFindCursor cursor(index_, parse(q));
  ASSERT_EQ(cursor.entities(), 3u);
  // Between the search and the answers: S1's first instance goes, S2 goes entirely.
  index_.remove("1.1.1");
  index_.setStatus("1.2.10", "MISSING");
  index_.setStatus("1.2.2", "MISSING");
  std::multiset<std::string> answered;
  while (auto answer = cursor.next()) {
    answered.insert(answer->row.metadata.accession_number);
    if (answer->row.metadata.accession_number == "A1") {
      EXPECT_NE(answer->row.metadata.sop_instance_uid, "1.1.1");  // another row of S1
      EXPECT_EQ(answer->related.at(QrLevel::kStudy).instances, 4);
    }
  }
  EXPECT_EQ(answered, (std::multiset<std::string>{"A1", "B1"}));
  EXPECT_EQ(cursor.answered(), 2u);
}

// ---- retrieve ----------------------------------------------------------------------------

TEST_F(QrIndex, RetrievesAStudysStoredInstancesInSeriesAndInstanceNumberOrder) {
  DcmDataset q = identifier("STUDY");
  q.putAndInsertString(DCM_StudyInstanceUID, "2.25.2\\2.25.1");
  const auto rows =
      instancesToRetrieve(index_, parse(q, QrModel::kStudyRoot, QrPurpose::kRetrieve));
  std::vector<std::string> uids;
  for (const auto& r : rows) uids.push_back(r.metadata.sop_instance_uid);
  // S1 (20261101) first: series 1 (instances 1-4), then series 2; then S2: instance 2 before 10.
  EXPECT_EQ(uids, (std::vector<std::string>{"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.90", "1.2.2",
                                            "1.2.10"}));
  EXPECT_EQ(rows[0].storage_path, "p/1.1.1");
  EXPECT_EQ(rows[0].metadata.sop_class_uid, kMg);
}

TEST_F(QrIndex, RetrievesAtEveryLevelOnlyStoredRows) {
  DcmDataset patient = identifier("PATIENT");
  patient.putAndInsertString(DCM_PatientID, "P2");
  EXPECT_EQ(instancesToRetrieve(index_, parse(patient, QrModel::kPatientRoot, QrPurpose::kRetrieve))
                .size(),
            1u);  // the MISSING row is not sent
  DcmDataset series = identifier("SERIES");
  series.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  series.putAndInsertString(DCM_SeriesInstanceUID, "2.25.12");
  EXPECT_EQ(
      instancesToRetrieve(index_, parse(series, QrModel::kStudyRoot, QrPurpose::kRetrieve)).size(),
      1u);
  DcmDataset image = identifier("IMAGE");
  image.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  image.putAndInsertString(DCM_SeriesInstanceUID, "2.25.11");
  image.putAndInsertString(DCM_SOPInstanceUID, "1.1.3\\1.1.1");
  const auto rows =
      instancesToRetrieve(index_, parse(image, QrModel::kStudyRoot, QrPurpose::kRetrieve));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].metadata.sop_instance_uid, "1.1.1");
  // A study UID that names another patient's study under Patient Root finds nothing.
  DcmDataset other = identifier("STUDY");
  other.putAndInsertString(DCM_PatientID, "P2");
  other.putAndInsertString(DCM_StudyInstanceUID, "2.25.1");
  EXPECT_TRUE(instancesToRetrieve(index_, parse(other, QrModel::kPatientRoot, QrPurpose::kRetrieve))
                  .empty());
}

// ---- the provider: SOP classes and character sets ----------------------------------------

TEST_F(QrIndex, ProviderRefusesOtherSopClassesAndUnknownCharacterSets) {
  QrFind provider("SCREENING_PACS", index_);
  DcmDataset q = identifier("STUDY");
  dicom::FindRequest worklist;
  worklist.sop_class_uid = UID_FINDModalityWorklistInformationModel;
  auto start = provider.startFind(worklist, q);
  EXPECT_FALSE(start.query);
  EXPECT_EQ(start.refusal.status, 0x0122);

  dicom::FindRequest study_root;
  study_root.sop_class_uid = UID_FINDStudyRootQueryRetrieveInformationModel;
  DcmDataset klingon = identifier("STUDY");
  klingon.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 999");
  klingon.putAndInsertString(DCM_PatientName, "M\xDCLLER");
  start = provider.startFind(study_root, klingon);
  EXPECT_FALSE(start.query);
  EXPECT_EQ(start.refusal.status, 0xC000);
}

TEST_F(QrIndex, ProviderAnswersInTheQuerysCharacterSetWhenTheValuesFit) {
  QrFind provider("SCREENING_PACS", index_);
  dicom::FindRequest patient_root;
  patient_root.sop_class_uid = UID_FINDPatientRootQueryRetrieveInformationModel;
  DcmDataset q = identifier("PATIENT");
  q.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
  q.putAndInsertString(DCM_PatientName, "m\xFCller*");  // Latin-1 "müller*"
  auto start = provider.startFind(patient_root, q);
  ASSERT_TRUE(start.query) << start.refusal.comment;
  auto reply = start.query->next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(text(*reply, DCM_SpecificCharacterSet), "ISO_IR 100");
  EXPECT_EQ(text(*reply, DCM_PatientName), "M\xDCLLER^ANNA");
  EXPECT_FALSE(start.query->next());
  EXPECT_NE(start.query->summary().find("level=PATIENT"), std::string::npos);
  EXPECT_EQ(start.query->summary().find("ller"), std::string::npos);  // the name is masked
}

}  // namespace
}  // namespace gateway::pacs
