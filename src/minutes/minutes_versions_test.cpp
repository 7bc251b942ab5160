#include "store/minutes_versions.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "db/migrator.hpp"
#include "minutes/template_set.hpp"
#include "minutes/tenant_templates.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

class MinutesVersions : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("minutes-versions-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    fs::remove(path_);
    auto db = OpenDatabase("sqlite://" + path_.string());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
  }
  void TearDown() override {
    db_.reset();
    fs::remove(path_);
  }
  // Tenant acme with admin boss and task t1, on the schema of `migrations`.
  void Seed(const std::vector<Migration>& migrations) {
    ASSERT_TRUE(Migrate(*db_, migrations).ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('acme', 'acme', "
                          "'2026-01-01T00:00:00Z')")
                    .ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                          "created_at) VALUES ('boss', 'acme', 'boss', 'h', 'admin', 'x')")
                    .ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO tasks (id, tenant_id, user_id, state, created_at, "
                          "updated_at) VALUES ('t1', 'acme', 'boss', 'succeeded', 'x', 'x')")
                    .ok());
  }
  std::string Rendered(int64_t version) {
    auto v = FindMinutesVersion(*db_, "t1", version);
    EXPECT_TRUE(v.ok() && v->has_value());
    MinutesDoc doc;
    doc.title = "Standup";
    std::string body = (*v)->template_body ? *(*v)->template_body
                                           : *TemplateSet::Builtin().Source((*v)->template_name);
    auto md = TemplateSet::RenderSource((*v)->template_name, body, doc, {}, {});
    EXPECT_TRUE(md.ok()) << md.status().message();
    return md.ok() ? *md : "";
  }
  fs::path path_;
  std::unique_ptr<Database> db_;
  const TemplateCaller boss_{"acme", "boss", true};
};

TEST_F(MinutesVersions, ATemplateEditedLaterLeavesExistingVersionsAsTheyWere) {
  Seed(BuiltinMigrations());
  ASSERT_TRUE(PutTemplateVersion(*db_, boss_, "team", "v1: {{title}}").ok());
  auto used = ResolveTemplate(*db_, "acme", "team");
  ASSERT_TRUE(used.ok());
  MinutesVersion v{"t1", 1, used->name, used->body, used->version, "extractive", "{}", ""};
  ASSERT_TRUE(InsertMinutesVersion(*db_, v).ok());
  EXPECT_EQ(Rendered(1), "v1: Standup");

  ASSERT_TRUE(PutTemplateVersion(*db_, boss_, "team", "v2: {{title}}").ok());
  EXPECT_EQ(Rendered(1), "v1: Standup");  // unchanged by the edit
  auto kept = FindMinutesVersion(*db_, "t1", 1);
  EXPECT_EQ((*kept)->template_version, std::optional<int64_t>(1));

  // A new version uses the current template.
  used = ResolveTemplate(*db_, "acme", "team");
  ASSERT_TRUE(InsertMinutesVersion(
                  *db_, {"t1", 2, used->name, used->body, used->version, "extractive", "{}", ""})
                  .ok());
  EXPECT_EQ(Rendered(2), "v2: Standup");
  EXPECT_EQ((*FindMinutesVersion(*db_, "t1", std::nullopt))->version, 2);
  EXPECT_FALSE(FindMinutesVersion(*db_, "t1", 3)->has_value());
  EXPECT_TRUE(*HasMinutesVersion(*db_, "t1", 2));
}

TEST_F(MinutesVersions, MigrationGivesOldVersionsTheTemplateTheyWereMadeWith) {
  std::vector<Migration> before;
  for (auto& m : BuiltinMigrations())
    if (m.version < 8) before.push_back(m);
  Seed(before);
  // team v1 at 10:00, a version at 11:00, team v2 at 12:00, a version at 13:00; a version of a
  // built-in; alice (a member) saved "notes" first.
  ASSERT_TRUE(db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                        "created_at) VALUES ('alice', 'acme', 'alice', 'h', 'member', 'x')")
                  .ok());
  for (auto [id, name, version, body, at] :
       {std::tuple{"p1", "team", 1, "one {{title}}", "2026-01-01T10:00:00Z"},
        std::tuple{"p2", "team", 2, "two {{title}}", "2026-01-01T12:00:00Z"},
        std::tuple{"p3", "notes", 1, "notes {{title}}", "2026-01-01T12:00:00Z"},
        std::tuple{"p4", "default", 1, "house {{title}}", "2026-01-01T12:00:00Z"}})
    ASSERT_TRUE(db_->Exec("INSERT INTO prompt_templates (id, tenant_id, name, version, body, "
                          "created_at) VALUES (?, 'acme', ?, ?, ?, ?)",
                          {std::string(id), std::string(name), int64_t{version}, std::string(body),
                           std::string(at)})
                    .ok());
  for (auto [user, name] : {std::pair{"alice", "notes"}, std::pair{"alice", "default"}})
    ASSERT_TRUE(db_->Exec("INSERT INTO audit_logs (tenant_id, user_id, action, target, "
                          "created_at) VALUES ('acme', ?, 'template.put', ?, 'x')",
                          {std::string(user), std::string(name)})
                    .ok());
  for (auto [version, name, at] : {std::tuple{1, "team", "2026-01-01T11:00:00Z"},
                                   std::tuple{2, "team", "2026-01-01T13:00:00Z"},
                                   std::tuple{3, "brief", "2026-01-01T13:00:00Z"}})
    ASSERT_TRUE(db_->Exec("INSERT INTO artifacts (task_id, version, template, generator, "
                          "minutes_json, created_at) VALUES ('t1', ?, ?, 'extractive', '{}', ?)",
                          {int64_t{version}, std::string(name), std::string(at)})
                    .ok());
  ASSERT_TRUE(Migrate(*db_).ok());
  EXPECT_EQ(Rendered(1), "one Standup");
  EXPECT_EQ(Rendered(2), "two Standup");
  auto builtin = FindMinutesVersion(*db_, "t1", 3);
  EXPECT_FALSE((*builtin)->template_body.has_value());
  EXPECT_EQ(Rendered(3),
            *TemplateSet::RenderSource("brief", *TemplateSet::Builtin().Source("brief"),
                                       MinutesDoc{"Standup"}, {}, {}));
  auto owners = ListTenantTemplates(*db_, "acme");
  ASSERT_TRUE(owners.ok());
  for (auto& t : *owners) {
    if (t.name == "notes")
      EXPECT_EQ(t.owner_id, std::optional<std::string>("alice"));
    else
      EXPECT_FALSE(t.owner_id.has_value()) << t.name;  // team: no audit; default: built-in
  }
}

}  // namespace
}  // namespace minutes
