#pragma once

#include "services/emulator/scheduled_step.h"
#include "services/emulator/screening_images.h"

namespace gateway::test {

// A worklist answer as the emulator reads it (DOE^JANE, ACC-42, MG at MAMMO1).
emulator::ScheduledStep sampleScheduledStep();
// One acquisition of the four views, with fresh series and MPPS UIDs.
emulator::Acquisition sampleAcquisition();

}  // namespace gateway::test
