// The usage (cost log) and webhooks repositories on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/usage.hpp"
#include "store/webhooks.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class UsageContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddUser("alice", "acme", "member");
    AddTask("t1", "acme", "alice", "");
  }
};

TEST(PriceOf, TheMostSpecificKeyPerUnit) {
  ProviderCall call;
  call.provider = "openai";
  call.model = "gpt-4o-mini";
  call.audio_seconds = 120;
  call.tokens_in = 2000;
  call.tokens_out = 500;
  const std::map<std::string, double> prices = {{"openai.gpt-4o-mini.input_1k_tokens", 0.5},
                                                {"openai.input_1k_tokens", 100},
                                                {"openai.output_1k_tokens", 2},
                                                {"openai.audio_minute", 0.25}};
  EXPECT_DOUBLE_EQ(PriceOf(call, prices), 2 * 0.5 + 0.5 * 2 + 2 * 0.25);
  EXPECT_DOUBLE_EQ(PriceOf(call, {}), 0);
}

TEST_P(UsageContract, CallsAreRecordedPricedAndTotalled) {
  const std::map<std::string, double> prices = {{"whisper.audio_minute", 0.5},
                                                {"openai.output_1k_tokens", 4}};
  ProviderCall asr;
  asr.tenant_id = "acme";
  asr.user_id = "alice";
  asr.task_id = "t1";
  asr.provider = "whisper";
  asr.model = "base.en";
  asr.audio_seconds = 90;
  asr.latency_s = 1.5;
  ASSERT_TRUE(RecordProviderCall(*db_, asr, prices).ok());
  ProviderCall llm = asr;
  llm.provider = "openai";
  llm.model = "gpt-4o-mini";
  llm.audio_seconds = 0;
  llm.tokens_in = 100;
  llm.tokens_out = 250;
  ASSERT_TRUE(RecordProviderCall(*db_, llm, prices).ok());
  llm.outcome = "failed";  // costs nothing
  ASSERT_TRUE(RecordProviderCall(*db_, llm, prices).ok());
  // Other audit lines are not provider calls.
  Exec(
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, created_at) VALUES ('acme', "
      "'alice', 'task.create', 't1', 'x')");

  auto rows = db_->Query(
      "SELECT target, model, audio_seconds, tokens_out, cost, latency_ms, outcome FROM audit_logs "
      "WHERE provider = 'whisper'");
  ASSERT_TRUE(rows.ok() && rows->size() == 1u);
  const DbRow& r = (*rows)[0];
  EXPECT_EQ(AsString(r[0]), "t1");
  EXPECT_EQ(AsString(r[1]), "base.en");
  EXPECT_DOUBLE_EQ(std::get<double>(r[2]), 90);
  EXPECT_DOUBLE_EQ(std::get<double>(r[4]), 0.75);
  EXPECT_DOUBLE_EQ(std::get<double>(r[5]), 1500);
  EXPECT_EQ(AsString(r[6]), "ok");

  auto totals = ProviderUsageTotals(*db_);
  ASSERT_TRUE(totals.ok()) << totals.status().message();
  std::map<std::string, std::pair<int64_t, double>> by;
  for (const ProviderUsage& u : *totals) by[u.provider] = {u.calls, u.cost};
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by["openai"].first, 2);
  EXPECT_DOUBLE_EQ(by["openai"].second, 1.0);
  EXPECT_EQ(by["whisper"].first, 1);
  EXPECT_DOUBLE_EQ(by["whisper"].second, 0.75);
}

TEST_P(UsageContract, NoCallsNoTotals) {
  auto totals = ProviderUsageTotals(*db_);
  ASSERT_TRUE(totals.ok()) << totals.status().message();
  EXPECT_TRUE(totals->empty());
}

class WebhooksContract : public UsageContract {};

TEST_P(WebhooksContract, ATasksTenantsWebhooksAndNoOneElses) {
  AddTenant("evil");
  Exec(
      "INSERT INTO webhooks (id, tenant_id, url, secret, events, created_at) VALUES ('w1', "
      "'acme', 'https://a.example/h', 's1', 'task.succeeded', '2026-01-01T00:00:00Z')");
  Exec(
      "INSERT INTO webhooks (id, tenant_id, url, secret, created_at) VALUES ('w2', 'acme', "
      "'https://b.example/h', 's2', 'x')");
  Exec(
      "INSERT INTO webhooks (id, tenant_id, url, secret, created_at) VALUES ('w3', 'evil', "
      "'https://evil.example/h', 's3', 'x')");
  auto hooks = FindTaskWebhooks(*db_, "t1");
  ASSERT_TRUE(hooks.ok()) << hooks.status().message();
  std::map<std::string, std::string> events;
  for (const WebhookRow& h : *hooks) events[h.id] = h.events;
  EXPECT_EQ(events, (std::map<std::string, std::string>{{"w1", "task.succeeded"},
                                                        {"w2", "task.succeeded,task.failed"}}));
  EXPECT_TRUE(FindTaskWebhooks(*db_, "gone")->empty());

  auto w1 = FindWebhook(*db_, "w1");
  ASSERT_TRUE(w1.ok() && w1->has_value());
  EXPECT_EQ((*w1)->tenant_id, "acme");
  EXPECT_EQ((*w1)->url, "https://a.example/h");
  EXPECT_EQ((*w1)->secret, "s1");
  EXPECT_EQ((*w1)->created_at, "2026-01-01T00:00:00Z");
  EXPECT_FALSE(FindWebhook(*db_, "deleted")->has_value());
}

STORE_CONTRACT(UsageContract);
STORE_CONTRACT(WebhooksContract);

}  // namespace
}  // namespace minutes::testing
