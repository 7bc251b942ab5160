#include "minutes/tenant_templates.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "db/migrator.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

// A migrated SQLite database with two tenants: acme (admin boss, members alice and bob) and
// evil (member mallory).
class TemplateRules : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("minutes-tpl-rules-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    fs::remove(path_);
    auto db = OpenDatabase("sqlite://" + path_.string());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    ASSERT_TRUE(Migrate(*db_).ok());
    for (const char* t : {"acme", "evil"})
      ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, 'x')",
                            {std::string(t), std::string(t)})
                      .ok());
    for (auto [id, tenant, role] :
         {std::tuple{"boss", "acme", "admin"}, std::tuple{"alice", "acme", "member"},
          std::tuple{"bob", "acme", "member"}, std::tuple{"mallory", "evil", "member"}})
      ASSERT_TRUE(
          db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                    "created_at) VALUES (?, ?, ?, 'h', ?, 'x')",
                    {std::string(id), std::string(tenant), std::string(id), std::string(role)})
              .ok());
  }
  void TearDown() override {
    db_.reset();
    fs::remove(path_);
  }

  fs::path path_;
  std::unique_ptr<Database> db_;
  const TemplateCaller boss_{"acme", "boss", true};
  const TemplateCaller alice_{"acme", "alice", false};
  const TemplateCaller bob_{"acme", "bob", false};
  const TemplateCaller mallory_{"evil", "mallory", false};
};

TEST_F(TemplateRules, OnlyAdminsOverrideABuiltin) {
  auto member = PutTemplateVersion(*db_, alice_, "default", "# {{title}} by alice\n");
  ASSERT_FALSE(member.ok());
  EXPECT_EQ(member.status().kind(), ErrorKind::kPermissionDenied);
  EXPECT_NE(member.status().message().find("only admins can override the built-in template "
                                           "'default'"),
            std::string::npos);
  auto admin = PutTemplateVersion(*db_, boss_, "default", "# {{title}} house style\n");
  ASSERT_TRUE(admin.ok()) << admin.status().message();
  // Once overridden it is the tenant's: members still cannot change or delete it.
  EXPECT_EQ(PutTemplateVersion(*db_, alice_, "default", "x").status().kind(),
            ErrorKind::kPermissionDenied);
  EXPECT_EQ(DeleteTemplate(*db_, alice_, "default").kind(), ErrorKind::kPermissionDenied);
  auto set = TenantTemplates(*db_, "acme");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set->Source("default"), "# {{title}} house style\n");
}

TEST_F(TemplateRules, MembersOwnWhatTheyMake) {
  ASSERT_EQ(*PutTemplateVersion(*db_, alice_, "team", "v1 {{title}}"), 1);
  ASSERT_EQ(*PutTemplateVersion(*db_, alice_, "team", "v2 {{title}}"), 2);
  auto by_bob = PutTemplateVersion(*db_, bob_, "team", "bob's {{title}}");
  EXPECT_EQ(by_bob.status().kind(), ErrorKind::kPermissionDenied);
  EXPECT_NE(by_bob.status().message().find("belongs to another user"), std::string::npos);
  EXPECT_EQ(DeleteTemplate(*db_, bob_, "team").kind(), ErrorKind::kPermissionDenied);
  // An admin may edit it; it stays alice's.
  ASSERT_EQ(*PutTemplateVersion(*db_, boss_, "team", "v3 {{title}}"), 3);
  ASSERT_EQ(*PutTemplateVersion(*db_, alice_, "team", "v4 {{title}}"), 4);
  auto list = ListTenantTemplates(*db_, "acme");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].owner_id, std::optional<std::string>("alice"));
  EXPECT_EQ((*list)[0].owner_username, "alice");
  EXPECT_TRUE(DeleteTemplate(*db_, alice_, "team").ok());
  EXPECT_EQ(DeleteTemplate(*db_, alice_, "team").kind(), ErrorKind::kNotFound);
}

TEST_F(TemplateRules, AdminTemplatesAreTheTenants) {
  ASSERT_TRUE(PutTemplateVersion(*db_, boss_, "board", "{{title}}").ok());
  auto list = ListTenantTemplates(*db_, "acme");
  ASSERT_TRUE(list.ok());
  EXPECT_FALSE((*list)[0].owner_id.has_value());
  auto by_alice = PutTemplateVersion(*db_, alice_, "board", "x");
  EXPECT_EQ(by_alice.status().kind(), ErrorKind::kPermissionDenied);
  EXPECT_NE(by_alice.status().message().find("is the tenant's"), std::string::npos);
}

TEST_F(TemplateRules, NobodyReachesAnotherTenantsTemplates) {
  ASSERT_TRUE(PutTemplateVersion(*db_, alice_, "team", "acme {{title}}").ok());
  // Mallory writing "team" writes her own tenant's template, never acme's.
  ASSERT_EQ(*PutTemplateVersion(*db_, mallory_, "team", "evil {{title}}"), 1);
  EXPECT_EQ(DeleteTemplate(*db_, mallory_, "default").kind(), ErrorKind::kNotFound);
  EXPECT_EQ(*TenantTemplates(*db_, "acme")->Source("team"), "acme {{title}}");
  EXPECT_EQ(TemplateVersions(*db_, "evil", "team")->size(), 1u);
  EXPECT_EQ(TemplateVersions(*db_, "acme", "team")->size(), 1u);
  EXPECT_TRUE(DeleteTemplate(*db_, mallory_, "team").ok());
  EXPECT_EQ(*TenantTemplates(*db_, "acme")->Source("team"), "acme {{title}}");
}

TEST_F(TemplateRules, ResolveFallsBackToTheTenantsDefault) {
  auto builtin = ResolveTemplate(*db_, "acme", "brief");
  ASSERT_TRUE(builtin.ok());
  EXPECT_EQ(builtin->version, 0);
  ASSERT_TRUE(PutTemplateVersion(*db_, boss_, "default", "house {{title}}").ok());
  auto gone = ResolveTemplate(*db_, "acme", "deleted-since");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->name, "default");
  EXPECT_EQ(gone->body, "house {{title}}");
  EXPECT_EQ(gone->version, 1);
}

TEST(TemplateLimitsFrom, ReadsTheMinutesSection) {
  Config c;
  c.minutes.template_max_kb = 2;
  c.minutes.template_max_depth = 3;
  c.minutes.render_max_kb = 32;
  c.minutes.render_timeout_ms = 50;
  TemplateLimits l = TemplateLimitsFrom(&c);
  EXPECT_EQ(l.max_source_bytes, 2048u);
  EXPECT_EQ(l.max_depth, 3);
  EXPECT_EQ(l.max_output_bytes, 32u * 1024);
  EXPECT_EQ(l.max_render_ms, 50);
  EXPECT_EQ(TemplateLimitsFrom(nullptr).max_depth, TemplateLimits{}.max_depth);
}

}  // namespace
}  // namespace minutes
