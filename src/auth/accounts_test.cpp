#include "auth/accounts.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "db/migrator.hpp"

namespace minutes {
namespace {

constexpr const char* kPw = "plenty-long-pass-1";
constexpr const char* kPw2 = "another-long-pass-2";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenDatabase("sqlite://:memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db.value());
    ASSERT_TRUE(Migrate(*db_).ok());
    AccountOptions o;
    o.hash = PasswordParams{1, 1024, 1};  // tests need not be slow; the format is the same
    accounts_ = std::make_unique<Accounts>(*db_, o);
  }
  std::string Id(const std::string& username) {
    auto rows = db_->Query("SELECT id FROM users WHERE username = ?", {username});
    return rows.ok() && !rows->empty() ? AsString((*rows)[0][0]) : "";
  }
  std::unique_ptr<Database> db_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, AddUserCreatesTheTenantAndLogsIn) {
  auto u = accounts_->AddUser("alice", "acme", kPw, true);
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->role, "admin");
  auto tenants = accounts_->ListTenants();
  ASSERT_EQ(tenants->size(), 1u);
  EXPECT_EQ((*tenants)[0].name, "acme");
  auto in = accounts_->Login("alice", kPw);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->tenant_name, "acme");
  auto wrong = accounts_->Login("alice", "wrong");
  EXPECT_EQ(wrong.status().kind(), ErrorKind::kUnauthenticated);
  EXPECT_EQ(accounts_->Login("nobody", kPw).status().message(), wrong.status().message())
      << "unknown user and wrong password look the same";
}

TEST_F(AccountsTest, AClashIsAlreadyExistsAndDoesNotSayWhichTenant) {
  ASSERT_TRUE(accounts_->AddUser("bob", "acme", kPw, false).ok());
  auto elsewhere = accounts_->AddUser("bob", "globex", kPw, false);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.status().kind(), ErrorKind::kAlreadyExists);
  auto same = accounts_->AddUser("bob", "acme", kPw, false);
  EXPECT_EQ(same.status().kind(), ErrorKind::kAlreadyExists);
  EXPECT_EQ(same.status().message(), elsewhere.status().message())
      << "a clash in another tenant reads exactly like one in your own";
  EXPECT_EQ(elsewhere.status().message().find("acme"), std::string::npos);
  EXPECT_EQ(accounts_->ListTenants()->size(), 1u) << "the failed add created no tenant";
  EXPECT_EQ(accounts_->AddTenant("acme").status().kind(), ErrorKind::kAlreadyExists);
}

TEST_F(AccountsTest, WeakPasswordsAreRefusedEverywhereAndChangeNothing) {
  EXPECT_EQ(accounts_->AddUser("carol", "acme", "pw", false).status().kind(),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(accounts_->AddUser("carol", "acme", "qwertyuiop", false).status().kind(),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(accounts_->AddUser("carol-the-user", "acme", "Carol-The-User", false).status().kind(),
            ErrorKind::kFailedPrecondition);
  EXPECT_TRUE(accounts_->ListUsers()->empty());
  ASSERT_TRUE(accounts_->AddUser("carol", "acme", kPw, false).ok());
  UserChanges c;
  c.role = "admin";
  c.password = "short";
  EXPECT_EQ(accounts_->UpdateUser(Id("carol"), c).status().kind(), ErrorKind::kFailedPrecondition);
  auto now = accounts_->State(Id("carol"));
  EXPECT_EQ(now->role, "member") << "a bad password in the same change leaves the role alone";
  EXPECT_EQ(now->token_generation, 0);
  EXPECT_EQ(accounts_->ResetPassword("carol", "password1234").kind(),
            ErrorKind::kFailedPrecondition);
}

TEST_F(AccountsTest, DisableEnableAndResetPassword) {
  ASSERT_TRUE(accounts_->AddUser("carol", "acme", kPw, false).ok());
  ASSERT_TRUE(accounts_->SetDisabled("carol", true).ok());
  EXPECT_FALSE(accounts_->Login("carol", kPw).ok());
  ASSERT_TRUE(accounts_->SetDisabled("carol", false).ok());
  ASSERT_TRUE(accounts_->ResetPassword("carol", kPw2).ok());
  EXPECT_FALSE(accounts_->Login("carol", kPw).ok());
  EXPECT_TRUE(accounts_->Login("carol", kPw2).ok());
  EXPECT_EQ(accounts_->SetDisabled("zed", true).kind(), ErrorKind::kNotFound);
}

TEST_F(AccountsTest, EveryChangeBumpsTheGenerationAndNoChangeDoesNot) {
  ASSERT_TRUE(accounts_->AddUser("dan", "acme", kPw, false).ok());
  std::string id = Id("dan");
  auto gen = [&] { return accounts_->State(id)->token_generation; };
  EXPECT_EQ(gen(), 0);
  UserChanges demote;
  demote.role = "member";  // already a member: nothing changes
  ASSERT_TRUE(accounts_->UpdateUser(id, demote).ok());
  EXPECT_EQ(gen(), 0);
  UserChanges promote;
  promote.role = "admin";
  ASSERT_TRUE(accounts_->UpdateUser(id, promote).ok());
  EXPECT_EQ(gen(), 1);
  EXPECT_EQ(accounts_->State(id)->role, "admin");
  ASSERT_TRUE(accounts_->SetDisabled("dan", true).ok());
  EXPECT_EQ(gen(), 2);
  EXPECT_TRUE(accounts_->State(id)->disabled);
  ASSERT_TRUE(accounts_->SetDisabled("dan", false).ok());
  EXPECT_EQ(gen(), 3) << "re-enabling revives nothing issued before";
  ASSERT_TRUE(accounts_->ResetPassword("dan", kPw2).ok());
  EXPECT_EQ(gen(), 4);
  auto changed = accounts_->ChangePassword(id, kPw2, "third-long-pass-3", "10.0.0.1");
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(changed->token_generation, 5);
  EXPECT_EQ(
      accounts_->ChangePassword(id, "not-the-password", "fourth-long-pass-4", "").status().kind(),
      ErrorKind::kPermissionDenied);
  EXPECT_EQ(accounts_->ChangePassword(id, "third-long-pass-3", "dan", "").status().kind(),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(gen(), 5);
  EXPECT_EQ(accounts_->State("nope").status().kind(), ErrorKind::kNotFound);
}

TEST_F(AccountsTest, ApiKeysAuthenticateUntilRevokedAndAreStoredHashed) {
  ASSERT_TRUE(accounts_->AddUser("dave", "acme", kPw, false).ok());
  auto key = accounts_->CreateApiKey("dave", "ci");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->first.rfind("mk_", 0), 0u);
  EXPECT_EQ(key->first.size(), 43u);
  auto who = accounts_->AuthenticateApiKey(key->first);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->username, "dave");
  auto stored = db_->Query("SELECT key_hash FROM api_keys");
  EXPECT_EQ(AsString((*stored)[0][0]).find(key->first.substr(3)), std::string::npos);
  std::string tampered = key->first;
  tampered.back() = tampered.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(accounts_->AuthenticateApiKey(tampered).status().kind(), ErrorKind::kUnauthenticated);
  ASSERT_TRUE(accounts_->RevokeApiKey(key->second.id).ok());
  EXPECT_FALSE(accounts_->AuthenticateApiKey(key->first).ok());
  EXPECT_EQ(accounts_->RevokeApiKey("nope").kind(), ErrorKind::kNotFound);
}

TEST_F(AccountsTest, ApiKeysDieWithAnyChangeToTheirUser) {
  ASSERT_TRUE(accounts_->AddUser("erin", "acme", kPw, true).ok());
  const std::string id = Id("erin");
  auto fresh = [&] { return accounts_->CreateApiKey("erin", "ci")->first; };
  std::string key = fresh();
  UserChanges demote;
  demote.role = "member";
  ASSERT_TRUE(accounts_->UpdateUser(id, demote).ok());
  EXPECT_FALSE(accounts_->AuthenticateApiKey(key).ok()) << "demoted";
  key = fresh();
  ASSERT_TRUE(accounts_->AuthenticateApiKey(key).ok()) << "a key made after the change works";
  ASSERT_TRUE(accounts_->SetDisabled("erin", true).ok());
  EXPECT_FALSE(accounts_->AuthenticateApiKey(key).ok()) << "disabled";
  ASSERT_TRUE(accounts_->SetDisabled("erin", false).ok());
  EXPECT_FALSE(accounts_->AuthenticateApiKey(key).ok()) << "re-enabling does not revive it";
  key = fresh();
  ASSERT_TRUE(accounts_->ResetPassword("erin", kPw2).ok());
  EXPECT_FALSE(accounts_->AuthenticateApiKey(key).ok()) << "password reset";
}

TEST_F(AccountsTest, RepeatedFailuresAreThrottledAndASuccessResets) {
  ASSERT_TRUE(accounts_->AddUser("fay", "acme", kPw, false).ok());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(accounts_->Login("fay", "wrong", "192.0.2.1").status().kind(),
              ErrorKind::kUnauthenticated);
  EXPECT_EQ(accounts_->Login("fay", "wrong", "192.0.2.1").status().kind(),
            ErrorKind::kUnauthenticated)
      << "the sixth failure is counted and locks the name";
  auto locked = accounts_->Login("fay", kPw, "192.0.2.2");
  ASSERT_EQ(locked.status().kind(), ErrorKind::kResourceExhausted)
      << "even the right password waits, from any address";
  EXPECT_GE(locked.status().retry_after_s(), 1);
  std::optional<User> known;
  (void)accounts_->Login("fay", kPw, "192.0.2.2", &known);
  ASSERT_TRUE(known.has_value()) << "the audit log learns whose name it was";
  EXPECT_EQ(known->username, "fay");
  // Unlock by the clock: the lock is one second.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_TRUE(accounts_->Login("fay", kPw, "192.0.2.2").ok());
  EXPECT_EQ(accounts_->Login("fay", "wrong", "192.0.2.2").status().kind(),
            ErrorKind::kUnauthenticated)
      << "the success reset the count: this failure is a first one again";
  EXPECT_TRUE(accounts_->Login("fay", kPw, "192.0.2.2").ok());
}

TEST_F(AccountsTest, HashesAreBoundedAndTheRestAreTurnedAway) {
  AccountOptions o;
  o.hash = PasswordParams{3, 64 * 1024, 1};  // real cost: ~50-100 ms each
  o.hash_concurrency = 1;
  o.hash_queue = 0;
  o.throttle.free_failures_per_user = 1000;
  o.throttle.free_failures_per_address = 1000;
  Accounts slow(*db_, o);
  std::atomic<int> busy{0}, denied{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      auto r = slow.Login("user" + std::to_string(i), "whatever-it-is", "");
      if (r.status().kind() == ErrorKind::kUnavailable) {
        ++busy;
        EXPECT_EQ(r.status().retry_after_s(), 1);
      } else if (r.status().kind() == ErrorKind::kUnauthenticated) {
        ++denied;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_GE(busy.load(), 1) << "one slot, no queue: concurrent sign-ins are turned away";
  EXPECT_GE(denied.load(), 1);
  EXPECT_EQ(busy + denied, 6);
}

TEST_F(AccountsTest, BadNamesAreRejected) {
  EXPECT_EQ(accounts_->AddUser("../etc", "acme", kPw, false).status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(accounts_->AddTenant("a b").status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(accounts_->AddUser("eve", "acme", "", false).status().kind(), ErrorKind::kBadInput);
  ASSERT_TRUE(accounts_->AddTenant("globex").ok());
  EXPECT_EQ(accounts_->AddTenant("globex").status().message(), "tenant 'globex' exists");
}

}  // namespace
}  // namespace minutes
