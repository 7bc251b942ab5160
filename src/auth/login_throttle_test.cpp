#include "auth/login_throttle.hpp"

#include <gtest/gtest.h>

#include "db/migrator.hpp"

namespace minutes {
namespace {

TEST(LoginThrottle, DelaysGrowExponentiallyUpToTheMaximum) {
  EXPECT_EQ(LoginThrottle::DelayAfter(0, 5, 1, 900), 0);
  EXPECT_EQ(LoginThrottle::DelayAfter(5, 5, 1, 900), 0);
  EXPECT_EQ(LoginThrottle::DelayAfter(6, 5, 1, 900), 1);
  EXPECT_EQ(LoginThrottle::DelayAfter(7, 5, 1, 900), 2);
  EXPECT_EQ(LoginThrottle::DelayAfter(8, 5, 1, 900), 4);
  EXPECT_EQ(LoginThrottle::DelayAfter(15, 5, 1, 900), 512);
  EXPECT_EQ(LoginThrottle::DelayAfter(16, 5, 1, 900), 900);
  EXPECT_EQ(LoginThrottle::DelayAfter(200, 5, 1, 900), 900) << "no overflow";
  EXPECT_EQ(LoginThrottle::DelayAfter(4, 3, 10, 900), 10);
}

TEST(LoginThrottle, AddressesAreCountedByHostOrIpv6Slash64) {
  EXPECT_EQ(LoginThrottle::AddressSubject("192.0.2.7"), "addr:192.0.2.7");
  EXPECT_EQ(LoginThrottle::AddressSubject("::ffff:192.0.2.7"), "addr:192.0.2.7");
  EXPECT_EQ(LoginThrottle::AddressSubject("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "addr:2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::AddressSubject("2001:db8:1:2::9"),
            LoginThrottle::AddressSubject("2001:db8:1:2:ffff::1"));
  EXPECT_EQ(LoginThrottle::AddressSubject(""), "");
}

class LoginThrottleDb : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenDatabase("sqlite://:memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db.value());
    ASSERT_TRUE(Migrate(*db_).ok());
  }
  std::unique_ptr<Database> db_;
};

TEST_F(LoginThrottleDb, AUsernameIsLockedAfterItsFreeFailuresFromAnyAddress) {
  LoginThrottle t(*db_, {3, 100, 2, 60});
  const int64_t now = 1000000;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(t.Check("alice", "10.0.0.1", now).ok());
    EXPECT_EQ(*t.RecordFailure("alice", "10.0.0.1", now), 0);
  }
  EXPECT_EQ(*t.RecordFailure("alice", "10.0.0.1", now), 2);
  auto locked = t.Check("alice", "10.9.9.9", now + 1);
  ASSERT_EQ(locked.kind(), ErrorKind::kResourceExhausted);
  EXPECT_EQ(locked.retry_after_s(), 2) << "whole seconds: the lock holds through second now+2";
  EXPECT_NE(locked.message().find("for this username"), std::string::npos) << locked.message();
  EXPECT_EQ(t.Check("alice", "10.0.0.1", now + 2).retry_after_s(), 1);
  EXPECT_TRUE(t.Check("bob", "10.0.0.1", now + 1).ok()) << "the address is under its limit";
  EXPECT_TRUE(t.Check("alice", "10.0.0.1", now + 3).ok()) << "the lock ran out";
  EXPECT_EQ(*t.RecordFailure("alice", "10.0.0.1", now + 3), 4) << "then it doubles";
  EXPECT_EQ(*t.RecordFailure("alice", "10.0.0.1", now + 8), 8);
  for (int i = 0; i < 10; ++i) (void)t.RecordFailure("alice", "10.0.0.1", now + 100);
  EXPECT_EQ(*t.RecordFailure("alice", "10.0.0.1", now + 100), 60) << "capped";
  ASSERT_TRUE(t.RecordSuccess("alice", "10.0.0.1").ok());
  EXPECT_TRUE(t.Check("alice", "10.0.0.1", now + 100).ok()) << "a success resets";
  EXPECT_EQ(*t.RecordFailure("alice", "10.0.0.1", now + 100), 0);
}

TEST_F(LoginThrottleDb, AnAddressSprayingManyUsernamesIsLocked) {
  LoginThrottle t(*db_, {5, 4, 1, 900});
  const int64_t now = 2000000;
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(*t.RecordFailure("user" + std::to_string(i), "2001:db8::1", now), 0);
  EXPECT_EQ(*t.RecordFailure("user9", "2001:db8::2", now), 1) << "same /64";
  auto locked = t.Check("someone-else", "2001:db8::3", now);
  ASSERT_EQ(locked.kind(), ErrorKind::kResourceExhausted);
  EXPECT_NE(locked.message().find("from this address"), std::string::npos);
  EXPECT_TRUE(t.Check("someone-else", "192.0.2.1", now).ok()) << "other addresses are not";
}

TEST_F(LoginThrottleDb, CountersAreForgottenAfterADayAndSharedThroughTheDatabase) {
  LoginThrottle a(*db_, {2, 100, 1, 900}), b(*db_, {2, 100, 1, 900});  // two instances
  const int64_t now = 3000000;
  (void)a.RecordFailure("carol", "", now);
  (void)b.RecordFailure("carol", "", now);
  EXPECT_EQ(*a.RecordFailure("carol", "", now), 1) << "b's failure counted for a";
  EXPECT_FALSE(b.Check("carol", "", now).ok());
  EXPECT_EQ(*a.RecordFailure("carol", "", now + 86401), 0) << "a day later it starts over";
  auto rows = db_->Query("SELECT count(*) FROM login_throttle");
  EXPECT_EQ(AsInt((*rows)[0][0]), 1);
}

}  // namespace
}  // namespace minutes
