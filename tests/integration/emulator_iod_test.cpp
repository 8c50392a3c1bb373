// The emulator's images checked by a third-party validator: each of the four views, written
// as a Part 10 file, must pass dciodvfy (dicom3tools) as a Digital Mammography X-Ray Image
// For Presentation without any error, and without any warning but one: View Position
// carries CC and MLO as mammography units send them (and as the PACS index records them),
// which dciodvfy flags as values outside the DX defined terms.
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "services/emulator/screening_images.h"
#include "tests/support/child_process.h"
#include "tests/support/emulator_fixtures.h"
#include "tests/support/temp_dir.h"

namespace gateway::emulator {
namespace {

// dciodvfy's lines that start with the given word ("Error", "Warning").
std::vector<std::string> linesStartingWith(const std::string& report, const std::string& word) {
  std::vector<std::string> found;
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(word, 0) == 0) found.push_back(line);
  }
  return found;
}

void expectValid(const ScheduledStep& s, const Acquisition& a) {
  test::TempDir dir;
  for (auto& image : buildScreeningImages(s, a)) {
    SCOPED_TRACE(image.view->name);
    const auto file = dir / (std::string(image.view->name) + ".dcm");
    DcmFileFormat format(image.dataset.get());
    ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
    const auto report_file = dir / (std::string(image.view->name) + ".txt");
    const int code =
        test::runProgram({"dciodvfy", file.string()}, std::chrono::seconds(60), report_file);
    const std::string report = test::readFileBytes(report_file);
    ASSERT_NE(code, -1) << "dciodvfy did not run (install dicom3tools): " << report;
    EXPECT_NE(report.find("MammographyImageForPresentation"), std::string::npos)
        << "dciodvfy did not recognise the IOD:\n"
        << report;
    EXPECT_TRUE(linesStartingWith(report, "Error").empty()) << report;
    for (const auto& warning : linesStartingWith(report, "Warning")) {
      const bool view_position = warning.find("Unrecognized defined term <") != std::string::npos &&
                                 warning.find("attribute <View Position>") != std::string::npos;
      EXPECT_TRUE(view_position) << warning;
    }
  }
}

TEST(EmulatorImages, PassDciodvfy) {
  expectValid(test::sampleScheduledStep(), test::sampleAcquisition());
}

TEST(EmulatorImages, PassDciodvfyWithNonAsciiNamesAndWithoutMpps) {
  ScheduledStep s = test::sampleScheduledStep();
  s.patient_name = "MÜLLER^JÜRGEN";
  s.referring_physician.clear();  // type 2: sent empty
  Acquisition a = test::sampleAcquisition();
  a.performed_step_uid.clear();
  expectValid(s, a);
}

}  // namespace
}  // namespace gateway::emulator
