// libFuzzer entry point: see fuzz_targets.h.
#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  return gateway::fuzz::mppsDataset(data, size);
}
