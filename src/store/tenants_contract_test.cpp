// The tenants, users and audit log repositories on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/audit_logs.hpp"
#include "store/tenants.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

AuditFilter AuditFilterOf(const std::string& tenant_id, const std::string& from = "",
                          const std::string& to = "") {
  AuditFilter f;
  f.tenant_id = tenant_id, f.from = from, f.to = to;
  return f;
}

class TenantsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddTenant("evil");
    AddUser("bob", "acme", "member");
    AddUser("alice", "acme", "admin");
    AddUser("eve", "evil", "member");
  }
};

TEST_P(TenantsContract, ATenantAndItsProviderChoices) {
  EXPECT_FALSE(FindTenant(*db_, "nobody")->has_value());
  EXPECT_FALSE(FindTenantName(*db_, "nobody")->has_value());
  ASSERT_TRUE(SetTenantAsrEngine(*db_, "acme", "whisper").ok());
  ASSERT_TRUE(SetTenantLlmProvider(*db_, "acme", "bedrock").ok());
  auto t = FindTenant(*db_, "acme");
  ASSERT_TRUE(t.ok() && *t) << t.status().message();
  EXPECT_EQ((*t)->name, "acme");
  EXPECT_EQ((*t)->asr_engine, "whisper");
  EXPECT_EQ((*t)->llm_provider, "bedrock");
  EXPECT_EQ(**FindTenantLlmProvider(*db_, "acme"), "bedrock");
  EXPECT_EQ(**FindTenantLlmProvider(*db_, "evil"), "auto");  // the default
  EXPECT_EQ(**FindTenantName(*db_, "evil"), "evil");
}

TEST_P(TenantsContract, UsersAreReadWithinTheirTenant) {
  Exec("UPDATE users SET disabled = 1 WHERE id = 'bob'");
  auto users = ListTenantUsers(*db_, "acme");
  ASSERT_TRUE(users.ok()) << users.status().message();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "alice");  // by name
  EXPECT_EQ((*users)[0].role, "admin");
  EXPECT_FALSE((*users)[0].disabled);
  EXPECT_TRUE((*users)[1].disabled);
  EXPECT_TRUE(FindTenantUser(*db_, "bob", "acme")->has_value());
  EXPECT_FALSE(FindTenantUser(*db_, "eve", "acme")->has_value());
  EXPECT_EQ((*FindUser(*db_, "eve"))->created_at, "x");
  auto signin = FindUserByName(*db_, "bob");
  ASSERT_TRUE(signin.ok() && *signin);
  EXPECT_EQ((*signin)->user_id, "bob");
  EXPECT_EQ((*signin)->tenant_id, "acme");
  EXPECT_EQ((*signin)->tenant_name, "acme");
  EXPECT_TRUE((*signin)->disabled);
  EXPECT_FALSE(FindUserByName(*db_, "nobody")->has_value());
}

TEST_P(TenantsContract, AuditLogsFilterPageAndSumUsage) {
  ASSERT_TRUE(RecordAudit(*db_, {"acme", "alice", "task.create", "t1", "r1", "2026-01-01T10:00:00Z",
                                 "10.0.0.1"})
                  .ok());
  ASSERT_TRUE(RecordAudit(*db_, {std::nullopt, std::nullopt, "login", "", "r2",
                                 "2026-01-02T10:00:00Z", std::nullopt})
                  .ok());
  ASSERT_TRUE(
      RecordAudit(*db_, {"acme", std::nullopt, "login", "", "r3", "2026-01-03T10:00:00Z", {}})
          .ok());
  Exec(
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, provider, model, "
      "audio_seconds, tokens_in, tokens_out, cost, created_at) VALUES ('acme', 'bob', "
      "'provider.call', 't1', 'whisper', 'base', 60, 0, 0, 0.5, '2026-01-02T11:00:00Z'), "
      "('acme', 'bob', 'provider.call', 't1', 'openai', 'gpt', 0, 100, 20, 0.25, "
      "'2026-01-02T12:00:00Z'), ('acme', 'alice', 'provider.call', 't2', 'extractive', '', 30, "
      "0, 0, 0, '2026-01-03T12:00:00Z')");
  AuditFilter all = AuditFilterOf("acme");
  EXPECT_EQ(*CountAuditLogs(*db_, all), 5);
  auto page = ListAuditLogs(*db_, all, 2, 1);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].provider, "openai");  // newest first, after the first
  EXPECT_EQ((*page)[0].username, "bob");
  EXPECT_EQ((*page)[0].tokens_in, 100);
  EXPECT_EQ((*page)[0].cost, 0.25);
  EXPECT_EQ((*page)[1].audio_seconds, 60.0);
  AuditFilter days = AuditFilterOf("acme", "2026-01-01", "2026-01-01");
  auto first = ListAuditLogs(*db_, days, 10, 0);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].client_address, "10.0.0.1");
  EXPECT_EQ((*first)[0].user_id, "alice");
  EXPECT_FALSE((*first)[0].provider.has_value());
  EXPECT_FALSE((*first)[0].audio_seconds.has_value());
  AuditFilter logins = AuditFilterOf("acme");
  logins.action = "login", logins.has_action = true;
  EXPECT_EQ(*CountAuditLogs(*db_, logins), 1);  // the other tenant's (none) is not counted

  auto by_day = TenantUsage(*db_, "acme", "", "", false);
  ASSERT_TRUE(by_day.ok()) << by_day.status().message();
  ASSERT_EQ(by_day->size(), 2u);
  EXPECT_EQ((*by_day)[0].key, "2026-01-02");
  EXPECT_EQ((*by_day)[0].tasks, 1);
  EXPECT_DOUBLE_EQ((*by_day)[0].audio_seconds, 60);
  EXPECT_EQ((*by_day)[0].tokens_in, 100);
  EXPECT_EQ((*by_day)[0].tokens_out, 20);
  EXPECT_DOUBLE_EQ((*by_day)[0].cost, 0.75);
  EXPECT_DOUBLE_EQ((*by_day)[1].audio_seconds, 0);  // the extractive fallback heard nothing
  auto by_user = TenantUsage(*db_, "acme", "2026-01-03", "", true);
  ASSERT_EQ(by_user->size(), 1u);
  EXPECT_EQ((*by_user)[0].key, "alice");
}

STORE_CONTRACT(TenantsContract);

}  // namespace
}  // namespace minutes::testing
