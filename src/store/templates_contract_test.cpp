// The templates repository on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/templates.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class TemplatesContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddTenant("evil");
    AddUser("alice", "acme", "member");
  }
  void Put(const std::string& tenant, const std::string& name, int64_t version,
           const std::string& body, std::optional<std::string> owner = std::nullopt) {
    TemplateRow row;
    row.id = tenant + "-" + name + "-" + std::to_string(version);
    row.tenant_id = tenant;
    row.name = name;
    row.version = version;
    row.body = body;
    row.created_at = "2026-01-0" + std::to_string(version) + "T00:00:00Z";
    row.owner_id = std::move(owner);
    Status s = InsertTemplateVersion(*db_, row);
    ASSERT_TRUE(s.ok()) << s.message();
  }
};

TEST_P(TemplatesContract, TheLatestOfEachNameByName) {
  Put("acme", "team", 1, "one", "alice");
  Put("acme", "team", 2, "two", "alice");
  Put("acme", "board", 1, "board");
  Put("evil", "aaa", 1, "not acme's");
  auto latest = FindLatestTemplates(*db_, "acme");
  ASSERT_TRUE(latest.ok()) << latest.status().message();
  ASSERT_EQ(latest->size(), 2u);
  const TemplateRow& board = (*latest)[0];
  EXPECT_EQ(board.name, "board");
  EXPECT_EQ(board.tenant_id, "acme");
  EXPECT_FALSE(board.owner_id.has_value());
  EXPECT_EQ(board.owner_username, "");
  const TemplateRow& team = (*latest)[1];
  EXPECT_EQ(team.id, "acme-team-2");
  EXPECT_EQ(team.version, 2);
  EXPECT_EQ(team.body, "two");
  EXPECT_EQ(team.created_at, "2026-01-02T00:00:00Z");
  EXPECT_EQ(team.owner_id, std::optional<std::string>("alice"));
  EXPECT_EQ(team.owner_username, "alice");

  auto one = FindLatestTemplate(*db_, "acme", "team");
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->version, 2);
  EXPECT_EQ((*one)->owner_username, "alice");
  EXPECT_FALSE(FindLatestTemplate(*db_, "acme", "aaa")->has_value());  // evil's, not acme's
  EXPECT_TRUE(FindLatestTemplates(*db_, "nobody")->empty());
}

TEST_P(TemplatesContract, VersionsOldestFirstAndDeletedTogether) {
  Put("acme", "team", 2, "two");
  Put("acme", "team", 1, "one");
  Put("evil", "team", 1, "evil's");
  auto versions = FindTemplateVersions(*db_, "acme", "team");
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].body, "one");
  EXPECT_EQ((*versions)[1].body, "two");
  ASSERT_TRUE(DeleteTemplateVersions(*db_, "acme", "team").ok());
  EXPECT_TRUE(FindTemplateVersions(*db_, "acme", "team")->empty());
  EXPECT_EQ(FindTemplateVersions(*db_, "evil", "team")->size(), 1u);
}

// Two writers of the same next version: the second insert fails (and writes nothing).
TEST_P(TemplatesContract, AVersionIsWrittenOnce) {
  Put("acme", "team", 1, "one");
  TemplateRow again;
  again.id = "other-id";
  again.tenant_id = "acme";
  again.name = "team";
  again.version = 1;
  again.body = "lost";
  Status s = InsertTemplateVersion(*db_, again);
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput) << s.message();
  EXPECT_EQ((*FindLatestTemplate(*db_, "acme", "team"))->body, "one");
  // created_at is stamped when left empty.
  again.version = 2;
  ASSERT_TRUE(InsertTemplateVersion(*db_, again).ok());
  EXPECT_FALSE((*FindLatestTemplate(*db_, "acme", "team"))->created_at.empty());
}

STORE_CONTRACT(TemplatesContract);

}  // namespace
}  // namespace minutes::testing
