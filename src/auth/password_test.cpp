#include "auth/password.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

PasswordParams Fast() { return {1, 1024, 1}; }  // tests need not be slow; format is the same

TEST(Password, HashesVerifyAndAreSalted) {
  auto a = HashPassword("correct horse", Fast());
  auto b = HashPassword("correct horse", Fast());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$v=19$", 0), 0u) << *a;
  EXPECT_NE(*a, *b) << "random salt";
  EXPECT_TRUE(VerifyPassword("correct horse", *a));
  EXPECT_FALSE(VerifyPassword("correct horsf", *a));
  EXPECT_FALSE(VerifyPassword("correct horse", "plaintext"));
  EXPECT_FALSE(VerifyPassword("x", "$argon2id$garbage"));
}

TEST(Password, DefaultParamsAreArgon2idWith64MiB) {
  auto h = HashPassword("pw");
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("m=65536,t=3,p=1"), std::string::npos) << *h;
}

TEST(Password, RejectsEmptyAndHugePasswords) {
  EXPECT_EQ(HashPassword("").status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(HashPassword(std::string(1025, 'x')).status().kind(), ErrorKind::kBadInput);
}

TEST(Sha256Hex, KnownVector) {
  // FIPS 180-2 example "abc".
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RandomHex, LengthAndVariety) {
  auto a = RandomHex(16), b = RandomHex(16);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace minutes
