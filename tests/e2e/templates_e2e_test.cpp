// Templates through the binary: the review's nesting bomb is refused on save and, stored before
// the caps existed, cannot take the API's memory when a version is read; only admins override
// `default`; members change only their own templates; a minutes version keeps the template it
// was made with.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

// The review's template: 21 sections inside each other over the speakers (output doubles per
// level: 120 MB for one read).
std::string Bomb(int levels) {
  std::string open, close;
  for (int i = 0; i < levels; ++i) {
    open += "{{#speakers}}";
    close += "{{/speakers}}";
  }
  return open + "{{name}} hello hello hello hello hello hello hello\n" + close;
}

const char* kMinutesJson =
    R"({"title":"Legacy","summary":["s"],"decisions":[],"action_items":[],"topics":[],)"
    R"("speakers":[{"id":"S1","name":"Ann","talk_time":1,"share":0.5},)"
    R"({"id":"S2","name":"Ben","talk_time":1,"share":0.5}]})";

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long kb = -1;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> kb;
      break;
    }
    in.ignore(1 << 16, '\n');
  }
  return kb;
}

class Templates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    svc_ = new TestService("templates",
                           {{"boss", "acme", true},
                            {"alice", "acme", false},
                            {"bob", "acme", false},
                            {"mallory", "evil", false}},
                           {"--workers", "1"});
    ASSERT_GT(svc_->port(), 0);
    boss_ = svc_->Token("boss");
    alice_ = svc_->Token("alice");
    bob_ = svc_->Token("bob");
    mallory_ = svc_->Token("mallory");
  }
  static void TearDownTestSuite() { delete svc_; }
  Reply Do(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body = "") {
    return Call(svc_->port(), method, path, body, token);
  }
  static std::string Put(const std::string& body) { return nlohmann::json{{"body", body}}.dump(); }
  static std::string Sql(const std::string& q) {
    return RunCommand("sqlite3 -cmd '.timeout 10000' " +
                      ShellQuote((svc_->dir() / "minutes.db").string()) + " " + ShellQuote(q))
        .output;
  }
  // A finished task of alice's with a stored transcript (no audio needed to write minutes).
  static std::string SeedTask(const std::string& id) {
    Sql("INSERT INTO tasks (id, tenant_id, user_id, title, state, created_at, updated_at) "
        "SELECT '" +
        id +
        "', tenant_id, id, 'Standup', 'succeeded', '2026-01-01T00:00:00Z', "
        "'2026-01-01T00:00:00Z' FROM users WHERE username = 'alice';"
        "INSERT INTO transcripts (task_id, duration, language, engine, created_at) VALUES ('" +
        id +
        "', 20, 'en', 'test', '2026-01-01T00:00:00Z');"
        "INSERT INTO segments (task_id, seq, id, speaker, start_s, end_s, text) VALUES ('" +
        id + "', 0, 'seg-0001', 'S1', 0, 5, 'we decided to ship on friday'), ('" + id +
        "', 1, 'seg-0002', 'S2', 5, 10, 'bob will send the release notes by thursday');");
    return id;
  }
  // Waits until the task has `n` minutes versions.
  static bool WaitVersions(const std::string& id, size_t n) {
    for (int i = 0; i < 100; ++i) {
      auto v =
          Call(svc_->port(), "GET", "/api/v1/tasks/" + id + "/minutes/versions", "", alice_).json();
      if (v.is_object() && v["items"].size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  static TestService* svc_;
  static std::string boss_, alice_, bob_, mallory_;
};
TestService* Templates::svc_ = nullptr;
std::string Templates::boss_, Templates::alice_, Templates::bob_, Templates::mallory_;

TEST_F(Templates, NestingBombIsRefusedAndCannotTakeTheApisMemory) {
  auto put = Do("PUT", "/api/v1/templates/bomb", alice_, Put(Bomb(21)));
  EXPECT_EQ(put.status, 400) << put.body;
  EXPECT_NE(put.body.find("sections nested 21 deep; the limit is 8"), std::string::npos)
      << put.body;
  EXPECT_EQ(Do("GET", "/api/v1/templates/bomb", alice_).status, 404);  // nothing stored
  auto typo = Do("PUT", "/api/v1/templates/typo", alice_, Put("# {{titel}}\n"));
  EXPECT_EQ(typo.status, 400);
  EXPECT_NE(typo.body.find("line 1: unknown name 'titel'"), std::string::npos) << typo.body;

  // The same template saved before the caps existed, and a version made with it.
  Sql("INSERT INTO prompt_templates (id, tenant_id, name, version, body, created_at) SELECT "
      "'legacy', tenant_id, 'old-bomb', 1, '" +
      Bomb(21) +
      "', '2026-01-01T00:00:00Z' FROM users "
      "WHERE username = 'alice';"
      "INSERT INTO tasks (id, tenant_id, user_id, title, state, created_at, updated_at) SELECT "
      "'legacy-task', tenant_id, id, 'Legacy', 'succeeded', '2026-01-01T00:00:00Z', "
      "'2026-01-01T00:00:00Z' FROM users WHERE username = 'alice';"
      "INSERT INTO artifacts (task_id, version, template, generator, minutes_json, created_at) "
      "VALUES ('legacy-task', 1, 'old-bomb', 'extractive', '" +
      std::string(kMinutesJson) + "', '2026-01-01T00:00:01Z');");
  pid_t pid = svc_->process().pid();
  long before = RssKb(pid);
  ASSERT_GT(before, 0);
  for (int i = 0; i < 3; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto md = Do("GET", "/api/v1/tasks/legacy-task/minutes?format=md", alice_);
    EXPECT_EQ(md.status, 422) << md.body.substr(0, 300);
    EXPECT_NE(md.body.find("sections nested 21 deep"), std::string::npos) << md.body.substr(0, 300);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  }
  long after = RssKb(pid);
  EXPECT_LT(after - before, 20 * 1024)
      << "API RSS went from " << before << " to " << after << " kB";
  // The minutes themselves are still readable as JSON.
  EXPECT_EQ(Do("GET", "/api/v1/tasks/legacy-task/minutes?format=json", alice_).status, 200);
}

TEST_F(Templates, OnlyAdminsOverrideDefaultAndMembersChangeOnlyTheirOwn) {
  auto member = Do("PUT", "/api/v1/templates/default", alice_, Put("# {{title}} (alice's)\n"));
  EXPECT_EQ(member.status, 403) << member.body;
  EXPECT_NE(member.body.find("only admins can override the built-in template 'default'"),
            std::string::npos)
      << member.body;
  EXPECT_EQ(Do("GET", "/api/v1/templates/default", alice_).json()["builtin"], true);
  ASSERT_EQ(Do("PUT", "/api/v1/templates/default", boss_, Put("# {{title}} (house)\n")).status,
            201);
  EXPECT_EQ(Do("PUT", "/api/v1/templates/default", alice_, Put("# {{title}}\n")).status, 403);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/default", alice_).status, 403);

  // alice's own template: hers to change, bob's to use, not to change; mallory cannot see it.
  ASSERT_EQ(Do("PUT", "/api/v1/templates/alices", alice_, Put("A {{title}}\n")).status, 201);
  ASSERT_EQ(Do("PUT", "/api/v1/templates/alices", alice_, Put("B {{title}}\n")).status, 200);
  EXPECT_EQ(Do("PUT", "/api/v1/templates/alices", bob_, Put("C {{title}}\n")).status, 403);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/alices", bob_).status, 403);
  EXPECT_EQ(Do("GET", "/api/v1/templates/alices", bob_).json()["body"], "B {{title}}\n");
  EXPECT_EQ(Do("GET", "/api/v1/templates/alices", mallory_).status, 404);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/alices", mallory_).status, 404);
  auto list = Do("GET", "/api/v1/templates", bob_).json();
  for (auto& item : list["items"]) {
    if (item["name"] == "alices") {
      EXPECT_EQ(item["owner"], "alice");
      EXPECT_EQ(item["editable"], false);
    }
    if (item["name"] == "default" && item["builtin"] == false) EXPECT_EQ(item["owner"], nullptr);
  }
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/alices", alice_).status, 204);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/default", boss_).status, 204);
}

TEST_F(Templates, AVersionKeepsTheTemplateItWasMadeWith) {
  std::string id = SeedTask("kept-task"), base = "/api/v1/tasks/" + id + "/minutes";
  ASSERT_EQ(Do("PUT", "/api/v1/templates/team", alice_, Put("Team v1: {{date}}\n")).status, 201);
  ASSERT_EQ(Do("POST", base, alice_, R"({"template":"team"})").status, 202);
  ASSERT_TRUE(WaitVersions(id, 1));
  auto v1 = Do("GET", base + "?format=md&version=1", alice_);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(v1.body, "Team v1: 2026-01-01\n");

  ASSERT_EQ(Do("PUT", "/api/v1/templates/team", alice_, Put("Team v2: {{date}}\n")).status, 200);
  EXPECT_EQ(Do("GET", base + "?format=md&version=1", alice_).body, "Team v1: 2026-01-01\n");
  // A new version uses the current template.
  ASSERT_EQ(Do("POST", base, alice_, R"({"template":"team"})").status, 202);
  ASSERT_TRUE(WaitVersions(id, 2));
  EXPECT_EQ(Do("GET", base + "?format=md&version=2", alice_).body, "Team v2: 2026-01-01\n");
  auto versions = Do("GET", base + "/versions", alice_).json()["items"];
  EXPECT_EQ(versions[0]["template_version"], 1);
  EXPECT_EQ(versions[1]["template_version"], 2);
  // Deleting the template changes neither.
  ASSERT_EQ(Do("DELETE", "/api/v1/templates/team", alice_).status, 204);
  EXPECT_EQ(Do("GET", base + "?format=md&version=1", alice_).body, "Team v1: 2026-01-01\n");
  EXPECT_EQ(Do("GET", base + "?format=md&version=2", alice_).body, "Team v2: 2026-01-01\n");
}

}  // namespace
}  // namespace minutes
