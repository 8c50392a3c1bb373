#include "common/crypto/sha256.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace gateway::crypto {
namespace {

constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256, HashesKnownVectors) {
  EXPECT_EQ(sha256Hex(""), kEmpty);
  EXPECT_EQ(sha256Hex("abc"), kAbc);
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, HashesPiecesAsOneWhole) {
  Sha256 sha;
  sha.update("a");
  sha.update(nullptr, 0);  // an empty write changes nothing
  sha.update("bc", 2);
  EXPECT_EQ(sha.finishHex(), kAbc);
}

TEST(Sha256, HashesAFileLargerThanItsReadBuffer) {
  test::TempDir dir;
  const auto file = dir / "big.bin";
  std::string bytes((1 << 20) + 12345, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 % 251);
  std::ofstream(file, std::ios::binary) << bytes;
  EXPECT_EQ(sha256OfFile(file), sha256Hex(bytes));
  EXPECT_FALSE(sha256OfFile(dir / "missing.bin"));
  EXPECT_FALSE(sha256OfFile(dir.path()));  // a folder opens but cannot be read
}

TEST(Sha256, ComputesHmacOfRfc4231) {
  // RFC 4231 test case 2: key "Jefe".
  const std::string key = "Jefe";
  const auto mac = hmacSha256(reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                              "what do ya want for nothing?");
  static constexpr unsigned char kExpected[] = {0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
                                                0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
                                                0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
                                                0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
  EXPECT_TRUE(std::equal(mac.begin(), mac.end(), std::begin(kExpected)));
}

}  // namespace
}  // namespace gateway::crypto
