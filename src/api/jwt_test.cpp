#include "api/jwt.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

const std::string kSecret(40, 's');

TEST(Jwt, IssuesAndVerifies) {
  auto j = JwtIssuer::Make(kSecret, 3600);
  ASSERT_TRUE(j.ok());
  std::string t = j->Issue({"u1", "t1", "alice", "admin", 0}, 1000);
  auto c = j->Verify(t, 1001);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->user_id, "u1");
  EXPECT_EQ(c->tenant_id, "t1");
  EXPECT_EQ(c->role, "admin");
  EXPECT_EQ(c->expires_at, 4600) << "whole seconds";
}

TEST(Jwt, RefusesExpiredTamperedForeignAndNone) {
  auto j = JwtIssuer::Make(kSecret, 60);
  std::string t = j->Issue({"u1", "t1", "alice", "member", 0}, 1000);
  EXPECT_EQ(j->Verify(t, 1060).status().message(), "token expired");
  std::string tampered = t;
  tampered[tampered.find('.') + 3] ^= 1;
  EXPECT_FALSE(j->Verify(tampered, 1001).ok());
  auto other = JwtIssuer::Make(std::string(40, 'x'), 60);
  EXPECT_FALSE(j->Verify(other->Issue({"u1", "t1", "a", "admin", 0}, 1000), 1001).ok());
  // alg "none": header {"alg":"none"} with the same payload, no signature.
  std::string payload = t.substr(t.find('.') + 1, t.rfind('.') - t.find('.') - 1);
  EXPECT_FALSE(j->Verify("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + payload + ".", 1001).ok());
  EXPECT_FALSE(j->Verify("garbage", 1001).ok());
  EXPECT_FALSE(j->Verify("", 1001).ok());
}

TEST(Jwt, ShortSecretIsRefusedAtStartUp) {
  auto j = JwtIssuer::Make("short", 60);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("auth.jwt_secret"), std::string::npos);
}

}  // namespace
}  // namespace minutes
