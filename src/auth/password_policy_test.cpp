#include "auth/password_policy.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(PasswordPolicy, LengthCountsCharactersNotBytes) {
  PasswordPolicy p;  // 10 by default
  EXPECT_EQ(CheckPassword("abcd", "alice", p).kind(), ErrorKind::kFailedPrecondition)
      << "the review's 4-character password";
  EXPECT_EQ(CheckPassword("vault-17x", "alice", p).kind(), ErrorKind::kFailedPrecondition);
  EXPECT_TRUE(CheckPassword("vault-17xy", "alice", p).ok());
  // Nine CJK characters are 27 bytes but 9 characters: too short; ten are enough.
  EXPECT_EQ(CheckPassword("会议纪要会议纪要会", "alice", p).kind(), ErrorKind::kFailedPrecondition);
  EXPECT_TRUE(CheckPassword("会议纪要会议纪要会议", "alice", p).ok());
  EXPECT_EQ(CodePoints("会议"), 2u);
  p.min_length = 12;
  auto s = CheckPassword("vault-17xy", "alice", p);
  EXPECT_EQ(s.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(s.message().find("at least 12 characters"), std::string::npos) << s.message();
}

TEST(PasswordPolicy, CommonPasswordsAreRefusedWhateverTheirCase) {
  PasswordPolicy p;
  for (const char* pw : {"qwertyuiop", "1234567890", "password123", "PassWord123", "iloveyou12"}) {
    auto s = CheckPassword(pw, "alice", p);
    EXPECT_EQ(s.kind(), ErrorKind::kFailedPrecondition) << pw;
    EXPECT_EQ(s.message().find(pw), std::string::npos) << "the password is never echoed";
  }
  EXPECT_TRUE(IsCommonPassword("password"));
  EXPECT_TRUE(IsCommonPassword("Baseball"));
  EXPECT_FALSE(IsCommonPassword("# The 30,000 most common passwords of zxcvbn 4.4.2"))
      << "the list's header is not a password";
  EXPECT_FALSE(IsCommonPassword("minutes-of-the-meeting-42"));
}

TEST(PasswordPolicy, ThePasswordMustNotBeTheUsername) {
  PasswordPolicy p;
  EXPECT_EQ(CheckPassword("alice.wonder", "alice.wonder", p).kind(),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(CheckPassword("Alice.Wonder", "alice.wonder", p).kind(),
            ErrorKind::kFailedPrecondition);
  EXPECT_TRUE(CheckPassword("alice.wonder", "bob", p).ok());
}

TEST(PasswordPolicy, EmptyAndHugeAreBadInput) {
  PasswordPolicy p;
  EXPECT_EQ(CheckPassword("", "alice", p).kind(), ErrorKind::kBadInput);
  EXPECT_EQ(CheckPassword(std::string(1025, 'x'), "alice", p).kind(), ErrorKind::kBadInput);
}

}  // namespace
}  // namespace minutes
