#include "services/window/view_summary.h"

#include <gtest/gtest.h>

namespace gateway::window {
namespace {

pacs::StoredInstance image(const std::string& laterality, const std::string& position,
                           const std::string& code = "", const std::string& modifiers = "") {
  pacs::StoredInstance row;
  row.metadata.image_laterality = laterality;
  row.metadata.view_position = position;
  row.metadata.view_code = code;
  row.metadata.view_modifiers = modifiers;
  return row;
}

TEST(ViewName, CombinesLateralityAndViewPosition) {
  EXPECT_EQ(viewName(image("L", "CC").metadata), "LCC");
  EXPECT_EQ(viewName(image("R", "MLO").metadata), "RMLO");
  EXPECT_EQ(viewName(image("r", " ml ").metadata), "RML");
  EXPECT_EQ(viewName(image("L", "XCCL").metadata), "LXCCL");
}

TEST(ViewName, FallsBackToTheViewCodeAndMarksImplantDisplacedViews) {
  EXPECT_EQ(viewName(image("L", "", "SCT:399162004").metadata), "LCC");
  EXPECT_EQ(viewName(image("R", "", "SRT:R-10226").metadata), "RMLO");
  EXPECT_EQ(viewName(image("L", "CC", "SCT:399162004", "implant displaced").metadata), "LCCID");
  EXPECT_EQ(viewName(image("R", "MLOID").metadata), "RMLOID");
  EXPECT_EQ(viewName(image("L", "", "SCT:1").metadata), "");  // unknown code, no position
}

TEST(ViewName, IsEmptyForObjectsThatAreNoBreastView) {
  EXPECT_EQ(viewName(image("", "").metadata), "");
  EXPECT_EQ(viewName(image("", "CC").metadata), "");
  EXPECT_EQ(viewName(image("X", "CC").metadata), "");
}

TEST(ViewSummary, CountsTheFourStandardViewsAndListsTheMissingOnes) {
  const auto summary =
      summarizeViews({image("L", "CC"), image("L", "MLO"), image("R", "MLO"), image("R", "MLO"),
                      image("L", "CC", "", "implant displaced"), image("", "")});
  EXPECT_EQ(summary.standard.at("LCC"), 1);
  EXPECT_EQ(summary.standard.at("RMLO"), 2);
  EXPECT_EQ(summary.standard.at("RCC"), 0);
  EXPECT_EQ(summary.missing, std::vector<std::string>{"RCC"});
  EXPECT_EQ(summary.extra.at("LCCID"), 1);
  EXPECT_FALSE(summary.complete());
}

TEST(ViewSummary, IgnoresRowsWhoseFileIsMissing) {
  auto missing = image("R", "CC");
  missing.status = "MISSING";
  const auto summary =
      summarizeViews({image("L", "CC"), image("L", "MLO"), missing, image("R", "MLO")});
  EXPECT_EQ(summary.missing, std::vector<std::string>{"RCC"});
  const auto none = summarizeViews({});
  EXPECT_EQ(none.missing.size(), 4u);
}

}  // namespace
}  // namespace gateway::window
