#include "storage/object_store.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(ValidateObjectKey, AcceptsNestedKeys) {
  EXPECT_TRUE(ValidateObjectKey("tenants/t1/objects/abc.m4a").ok());
  EXPECT_TRUE(ValidateObjectKey("a").ok());
  EXPECT_TRUE(ValidateObjectKey("a-b_c.d/e..f").ok());
  EXPECT_TRUE(ValidateObjectKey(std::string(kMaxObjectKeyLength, 'k')).ok());
}

TEST(ValidateObjectKey, RejectsKeysThatCouldEscapeOrAlias) {
  for (const std::string& key : std::vector<std::string>{
           "../x", "/abs", "a//b", "a/../b", "", "..", ".", "a/./b", "a/", "a/..", "a\\b", "a b",
           "a~sha256", std::string(kMaxObjectKeyLength + 1, 'k'), std::string("a\0b", 3)}) {
    Status s = ValidateObjectKey(key);
    EXPECT_FALSE(s.ok()) << "accepted '" << key << "'";
    EXPECT_EQ(s.kind(), ErrorKind::kBadInput) << key;
  }
}

TEST(ValidateObjectKey, MessageNamesTheKey) {
  Status s = ValidateObjectKey("a/../b");
  EXPECT_NE(s.message().find("'a/../b'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace minutes
