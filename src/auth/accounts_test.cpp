#include "auth/accounts.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "db/migrator.hpp"

namespace minutes {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenDatabase("sqlite://:memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db.value());
    ASSERT_TRUE(Migrate(*db_).ok());
    accounts_ = std::make_unique<Accounts>(*db_, PasswordParams{1, 1024, 1});
  }
  std::unique_ptr<Database> db_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, AddUserCreatesTheTenantAndLogsIn) {
  auto u = accounts_->AddUser("alice", "acme", "s3cret", true);
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->role, "admin");
  auto tenants = accounts_->ListTenants();
  ASSERT_EQ(tenants->size(), 1u);
  EXPECT_EQ((*tenants)[0].name, "acme");
  auto in = accounts_->Login("alice", "s3cret");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->tenant_name, "acme");
  EXPECT_FALSE(accounts_->Login("alice", "wrong").ok());
  EXPECT_EQ(accounts_->Login("nobody", "s3cret").status().message(),
            accounts_->Login("alice", "wrong").status().message())
      << "unknown user and wrong password look the same";
}

TEST_F(AccountsTest, UsernamesAreUniqueAcrossTenants) {
  ASSERT_TRUE(accounts_->AddUser("bob", "acme", "pw", false).ok());
  auto again = accounts_->AddUser("bob", "globex", "pw", false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(accounts_->ListTenants()->size(), 1u) << "the failed add created no tenant";
}

TEST_F(AccountsTest, DisableAndResetPassword) {
  ASSERT_TRUE(accounts_->AddUser("carol", "acme", "old", false).ok());
  ASSERT_TRUE(accounts_->SetDisabled("carol", true).ok());
  EXPECT_FALSE(accounts_->Login("carol", "old").ok());
  ASSERT_TRUE(accounts_->SetDisabled("carol", false).ok());
  ASSERT_TRUE(accounts_->ResetPassword("carol", "new").ok());
  EXPECT_FALSE(accounts_->Login("carol", "old").ok());
  EXPECT_TRUE(accounts_->Login("carol", "new").ok());
  EXPECT_EQ(accounts_->SetDisabled("zed", true).kind(), ErrorKind::kNotFound);
}

TEST_F(AccountsTest, ApiKeysAuthenticateUntilRevokedAndAreStoredHashed) {
  ASSERT_TRUE(accounts_->AddUser("dave", "acme", "pw", false).ok());
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
  EXPECT_FALSE(accounts_->AuthenticateApiKey(tampered).ok());
  ASSERT_TRUE(accounts_->RevokeApiKey(key->second.id).ok());
  EXPECT_FALSE(accounts_->AuthenticateApiKey(key->first).ok());
  EXPECT_EQ(accounts_->RevokeApiKey("nope").kind(), ErrorKind::kNotFound);
}

TEST_F(AccountsTest, BadNamesAreRejected) {
  EXPECT_EQ(accounts_->AddUser("../etc", "acme", "pw", false).status().kind(),
            ErrorKind::kBadInput);
  EXPECT_EQ(accounts_->AddTenant("a b").status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(accounts_->AddUser("eve", "acme", "", false).status().kind(), ErrorKind::kBadInput);
  ASSERT_TRUE(accounts_->AddTenant("globex").ok());
  EXPECT_EQ(accounts_->AddTenant("globex").status().message(), "tenant 'globex' exists");
}

}  // namespace
}  // namespace minutes
