// The hotwords and webhooks repositories (what the routes read and write of them) on SQLite and
// PostgreSQL.
#include <gtest/gtest.h>

#include "store/hotwords.hpp"
#include "store/webhooks.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class HotwordsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddTenant("evil");
    AddUser("alice", "acme", "member");
  }
};

TEST_P(HotwordsContract, ASetIsWrittenListedRenamedAndDeleted) {
  ASSERT_TRUE(InsertHotwordSet(*db_, {"s1", "people", "2026-01-01T00:00:00Z"}, "acme").ok());
  ASSERT_TRUE(InsertHotwordSet(*db_, {"s2", "jargon", "2026-01-02T00:00:00Z"}, "acme").ok());
  ASSERT_TRUE(ReplaceHotwords(*db_, "s1", {{"zed", std::nullopt}, {"ada", 2.0}}).ok());
  ASSERT_TRUE(ReplaceHotwords(*db_, "s1", {{"bob", 1.5}, {"ada", 2.0}, {"cy", {}}}).ok());
  auto words = ListHotwords(*db_, "s1");
  ASSERT_TRUE(words.ok()) << words.status().message();
  ASSERT_EQ(words->size(), 3u);  // replaced, alphabetically
  EXPECT_EQ((*words)[0].word, "ada");
  EXPECT_EQ((*words)[0].weight, 2.0);
  EXPECT_EQ((*words)[1].weight, 1.5);
  EXPECT_FALSE((*words)[2].weight.has_value());
  EXPECT_EQ(*HotwordsOfSet(*db_, "s1"), (std::vector<std::string>{"ada", "bob", "cy"}));

  auto sets = ListHotwordSets(*db_, "acme");
  ASSERT_TRUE(sets.ok()) << sets.status().message();
  ASSERT_EQ(sets->size(), 2u);
  EXPECT_EQ((*sets)[0].name, "jargon");  // by name
  EXPECT_EQ((*sets)[0].word_count, 0);
  EXPECT_EQ((*sets)[1].word_count, 3);
  EXPECT_TRUE(*HotwordSetNameTaken(*db_, "acme", "people", ""));
  EXPECT_FALSE(*HotwordSetNameTaken(*db_, "acme", "people", "s1"));  // its own name
  EXPECT_FALSE(*HotwordSetNameTaken(*db_, "evil", "people", ""));
  EXPECT_FALSE(FindTenantHotwordSet(*db_, "s1", "evil")->has_value());
  ASSERT_TRUE(RenameHotwordSet(*db_, "s1", "names").ok());
  EXPECT_EQ((*FindTenantHotwordSet(*db_, "s1", "acme"))->name, "names");

  AddTask("t1", "acme", "alice", "");
  Exec("UPDATE tasks SET hotword_set_id = 's1'");
  ASSERT_TRUE(db_->Transaction([](Database& tx) { return DeleteHotwordSet(tx, "s1"); }).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM tasks WHERE hotword_set_id IS NULL"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM hotwords"), 0);
  EXPECT_EQ(ListHotwordSets(*db_, "acme")->size(), 1u);
}

TEST_P(HotwordsContract, WebhooksOfATenant) {
  ASSERT_TRUE(
      InsertWebhook(*db_, {"w2", "acme", "https://b", "s", "task.failed", "2026-01-02"}).ok());
  ASSERT_TRUE(InsertWebhook(*db_, {"w1", "acme", "https://a", "s", "task.succeeded,task.failed",
                                   "2026-01-01"})
                  .ok());
  auto hooks = ListTenantWebhooks(*db_, "acme");
  ASSERT_TRUE(hooks.ok()) << hooks.status().message();
  ASSERT_EQ(hooks->size(), 2u);
  EXPECT_EQ((*hooks)[0].id, "w1");  // oldest first
  EXPECT_EQ((*hooks)[0].events, "task.succeeded,task.failed");
  EXPECT_EQ(*CountTenantWebhooks(*db_, "acme"), 2);
  EXPECT_EQ(*CountTenantWebhooks(*db_, "evil"), 0);
  EXPECT_EQ((*FindTenantWebhook(*db_, "w2", "acme"))->url, "https://b");
  EXPECT_FALSE(FindTenantWebhook(*db_, "w2", "evil")->has_value());
  EXPECT_FALSE(*TenantHasWebhook(*db_, "w2", "evil"));
  EXPECT_TRUE(*TenantHasWebhook(*db_, "w2", "acme"));
  ASSERT_TRUE(DeleteWebhook(*db_, "w2").ok());
  EXPECT_FALSE(*TenantHasWebhook(*db_, "w2", "acme"));
}

STORE_CONTRACT(HotwordsContract);

}  // namespace
}  // namespace minutes::testing
