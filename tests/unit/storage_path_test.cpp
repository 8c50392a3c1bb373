#include "services/pacs/storage_path.h"

#include <gtest/gtest.h>

namespace gateway::pacs {
namespace {

TEST(StoragePath, FollowsTheSeedLayoutOfTheUidHash) {
  // sha256("1.2.840.113619.2.55.3.604688119.969.1268071029.320") = d1a63710939a7290...
  EXPECT_EQ(storagePathFor("1.2.840.113619.2.55.3.604688119.969.1268071029.320"),
            "d1/a6/d1a63710939a7290.dcm");
}

TEST(StoragePath, RecognisesOnlyItsOwnShape) {
  EXPECT_TRUE(isStoragePathShape("d1/a6/d1a63710939a7290.dcm"));
  EXPECT_FALSE(isStoragePathShape("d1/a7/d1a63710939a7290.dcm"));  // dirs disagree with name
  EXPECT_FALSE(isStoragePathShape("D1/A6/D1A63710939A7290.dcm"));  // upper case
  EXPECT_FALSE(isStoragePathShape("d1/a6/d1a63710939a7290.dcm.part"));
  EXPECT_FALSE(isStoragePathShape(".incoming/0123456789abcdef.part"));
  EXPECT_FALSE(isStoragePathShape("notes.txt"));
}

}  // namespace
}  // namespace gateway::pacs
