#pragma once

#include <cstddef>
#include <cstdint>

// The entry points the fuzzers drive (libFuzzer's LLVMFuzzerTestOneInput calls them), kept
// in a library of their own so the regression test runs every seed and every input that
// once crashed through exactly the same code in the normal (GCC) build.
namespace gateway::fuzz {

// Any bytes as a received dataset: the pre-scan must never crash, and whatever it accepts
// DCMTK must parse, copy and write back without crashing (the pre-scan's promise).
// The first byte picks the encoding and how the bytes are split into chunks.
int datasetScanner(const std::uint8_t* data, std::size_t size);

// Any bytes as a Modality Worklist C-FIND identifier (explicit VR little endian), through
// the pre-scan, the character set conversion, the query parser, the matcher and the
// response builder, as the worklist service runs them.
int worklistQuery(const std::uint8_t* data, std::size_t size);

// Any bytes as the dataset of an MPPS N-CREATE (then an N-SET with the same bytes) against a
// real worklist database.
int mppsDataset(const std::uint8_t* data, std::size_t size);

// Any bytes as a worklist import file; the first byte picks CSV, YAML or JSON.
int worklistImport(const std::uint8_t* data, std::size_t size);

}  // namespace gateway::fuzz
