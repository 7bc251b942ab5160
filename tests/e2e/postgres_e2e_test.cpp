// The service on PostgreSQL (a real PostgreSQL 15 started by the test): admin commands, the
// full task flow, search, regeneration, usage and the audit log — the same API as on SQLite.
#include <gtest/gtest.h>

#include <fstream>

#include "child_process.hpp"
#include "pg_server.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

TEST(Postgres, TheServiceRunsOnPostgres) {
  PgServer pg;
  std::string db = " --database " + ShellQuote(pg.Url());
  auto added = RunCommand("printf correct-battery-42 | " + MinutesBinary() +
                          " user add alice --tenant acme --password-stdin --admin" + db);
  ASSERT_EQ(added.exit_code, 0) << added.output;
  auto status = RunCommand(MinutesBinary() + " db status" + db);
  EXPECT_EQ(status.exit_code, 0) << status.output;

  TestService svc("pg", {}, {"--database", pg.Url(), "--max-upload-mb", "50"});
  ASSERT_GT(svc.port(), 0);
  auto ready = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["components"]["database"]["backend"], "postgresql");
  std::string token = svc.Token("alice");
  ASSERT_FALSE(token.empty());

  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto up =
      Call(svc.port(), "POST", "/api/v1/tasks?title=Weekly%20Standup", wav, token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto done = svc.WaitDone(id, token, 180);
  ASSERT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(pg.Psql("SELECT state FROM tasks"), "succeeded\n");

  auto list = Call(svc.port(), "GET", "/api/v1/tasks?q=standup", "", token);
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json()["total"], 1) << list.body;
  auto rename =
      Call(svc.port(), "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S1":"Alice"})", token);
  EXPECT_EQ(rename.status, 200) << rename.body;
  auto rename2 =
      Call(svc.port(), "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S1":"Alicia"})", token);
  EXPECT_EQ(rename2.status, 200) << rename2.body;
  auto txt = Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", token);
  EXPECT_NE(txt.body.find("Alicia"), std::string::npos) << txt.body;
  auto regen = Call(svc.port(), "POST", "/api/v1/tasks/" + id + "/minutes",
                    R"({"template":"default"})", token);
  EXPECT_EQ(regen.status, 202) << regen.body;
  nlohmann::json versions;
  for (int i = 0; i < 100; ++i) {
    versions =
        Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/minutes/versions", "", token).json();
    if (versions.is_object() && versions["items"].size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(versions["items"].size(), 2u) << versions.dump();
  auto usage = Call(svc.port(), "GET", "/api/v1/usage?group_by=day", "", token);
  EXPECT_EQ(usage.status, 200) << usage.body;
  auto audit = Call(svc.port(), "GET", "/api/v1/audit-logs", "", token);
  EXPECT_EQ(audit.status, 200) << audit.body;
  EXPECT_GT(audit.json()["items"].size(), 0u) << audit.body;
  auto metrics = Call(svc.port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + id, "", token).status / 100, 2);
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM tasks"), "0\n");
}

// Migration 0008 on PostgreSQL with data in the tables (taken back to the schema before it):
// versions get the template that was current when they were written, templates their owner;
// then the ownership rules and kept templates through the API.
TEST(Postgres, TemplateOwnersAndVersionTemplatesMigrateAndHold) {
  PgServer pg;
  std::string db = " --database " + ShellQuote(pg.Url());
  for (auto [user, admin] : {std::pair{"boss", " --admin"}, std::pair{"alice", ""}})
    ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
                         " --tenant acme --password-stdin" + admin + db)
                  .exit_code,
              0);
  std::string undo = pg.Psql(
      "ALTER TABLE artifacts DROP COLUMN template_body; ALTER TABLE artifacts DROP COLUMN "
      "template_version; ALTER TABLE prompt_templates DROP COLUMN owner_id; DELETE FROM "
      "schema_migrations WHERE version = 8;"
      "INSERT INTO prompt_templates (id, tenant_id, name, version, body, created_at) SELECT "
      "'p' || v, tenant_id, 'team', v, CASE v WHEN 1 THEN 'one {{title}}' ELSE 'two {{title}}' "
      "END, CASE v WHEN 1 THEN '2026-01-01T10:00:00Z' ELSE '2026-01-01T12:00:00Z' END FROM "
      "users, (VALUES (1), (2)) AS x(v) WHERE username = 'alice';"
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, created_at) SELECT tenant_id, "
      "id, 'template.put', 'team', '2026-01-01T10:00:00Z' FROM users WHERE username = 'alice';"
      "INSERT INTO tasks (id, tenant_id, user_id, title, state, created_at, updated_at) SELECT "
      "'t1', tenant_id, id, 'Standup', 'succeeded', 'x', 'x' FROM users WHERE username = "
      "'alice';"
      "INSERT INTO artifacts (task_id, version, template, generator, minutes_json, created_at) "
      "VALUES ('t1', 1, 'team', 'extractive', '{\"title\":\"Standup\",\"summary\":[],"
      "\"decisions\":[],\"action_items\":[],\"topics\":[],\"speakers\":[]}', "
      "'2026-01-01T11:00:00Z')");
  auto migrated = RunCommand(MinutesBinary() + " db migrate" + db);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output << undo;
  EXPECT_EQ(pg.Psql("SELECT template_version || ':' || template_body FROM artifacts"),
            "1:one {{title}}\n");
  EXPECT_EQ(pg.Psql("SELECT DISTINCT u.username FROM prompt_templates p JOIN users u ON u.id = "
                    "p.owner_id"),
            "alice\n");

  TestService svc("pg-templates", {}, {"--database", pg.Url(), "--workers", "0"});
  ASSERT_GT(svc.port(), 0);
  std::string alice = svc.Token("alice"), boss = svc.Token("boss");
  auto put = [&](const std::string& name, const std::string& token, const std::string& body) {
    return Call(svc.port(), "PUT", "/api/v1/templates/" + name,
                nlohmann::json{{"body", body}}.dump(), token)
        .status;
  };
  EXPECT_EQ(put("default", alice, "# {{title}}"), 403);
  EXPECT_EQ(put("team", alice, "three {{title}}"), 200);  // hers since the migration
  EXPECT_EQ(put("board", boss, "# {{title}}"), 201);
  EXPECT_EQ(put("board", alice, "# {{title}}!"), 403);
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM prompt_templates WHERE name = 'board' AND owner_id IS "
                    "NULL"),
            "1\n");
  auto md = Call(svc.port(), "GET", "/api/v1/tasks/t1/minutes?format=md", "", alice);
  EXPECT_EQ(md.status, 200) << md.body;
  EXPECT_EQ(md.body, "one Standup");
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// PostgreSQL restarted while tasks run: the API says 503 with a clear error meanwhile, then
// recovers; every task still succeeds, once.
TEST(Postgres, RestartWhileTasksRunLosesNothing) {
  PgServer pg;
  std::string db = " --database " + ShellQuote(pg.Url());
  ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() +
                       " user add alice --tenant acme --password-stdin" + db)
                .exit_code,
            0);
  TestService svc("pg-restart", {}, {"--database", pg.Url(), "--max-upload-mb", "50"});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::string wav = Slurp(TestData("standup") / "meeting.wav");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto up = Call(svc.port(), "POST", "/api/v1/tasks", wav, token, "audio/wav");
    ASSERT_EQ(up.status, 201) << up.body;
    ids.push_back(up.json()["id"]);
  }
  pg.Stop();
  auto during = Call(svc.port(), "GET", "/api/v1/tasks", "", token);
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_NE(during.body.find("database unavailable"), std::string::npos) << during.body;
  auto ready = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json()["components"]["database"]["status"], "error");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  // Past the second the token's user is remembered for: who the caller is cannot be read
  // either, and that is 503 too — not 401 "the token's user no longer exists", which would
  // make a client drop a good token.
  for (const char* path : {"/api/v1/tasks", "/api/v1/me"}) {
    auto later = Call(svc.port(), "GET", path, "", token);
    EXPECT_EQ(later.status, 503) << path << " " << later.body;
  }
  pg.Start();
  EXPECT_EQ(Call(svc.port(), "GET", "/health/ready").status, 200);
  for (auto& id : ids) {
    auto t = svc.WaitDone(id, token, 240);
    EXPECT_EQ(t["state"], "succeeded") << t.dump();
    EXPECT_EQ(pg.Psql("SELECT count(*) FROM artifacts WHERE task_id = '" + id + "'"), "1\n");
  }
}

// Two workers on PostgreSQL; the one running the task is killed with -9: the other finishes
// it after the lease runs out, and the task has one set of results.
TEST(Postgres, WorkerKilledMidTaskTheOtherFinishesIt) {
  PgServer pg;
  std::string db = " --database " + ShellQuote(pg.Url());
  ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() +
                       " user add alice --tenant acme --password-stdin" + db)
                .exit_code,
            0);
  TestService svc("pg-kill", {},
                  {"--database", pg.Url(), "--max-upload-mb", "50", "--workers", "0"});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::map<std::string, std::string> env{{"MINUTES_DATABASE", pg.Url()},
                                         {"MINUTES_DATA_DIR", svc.dir().string()},
                                         {"MINUTES_WORKER_LEASE_S", "3"},
                                         {"MINUTES_ASR_THREADS", "1"}};
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < 2; ++i)
    workers.push_back(std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"worker"}, env, "/dev/null"));
  auto up = Call(svc.port(), "POST", "/api/v1/tasks", Slurp(TestData("planning") / "meeting.wav"),
                 token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  std::string owner;
  for (int i = 0; i < 300 && owner.empty(); ++i) {
    owner =
        pg.Psql("SELECT lease_owner FROM jobs WHERE task_id = '" + id + "' AND state = 'leased'");
    if (owner.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(owner.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // mid-task
  int pid = std::stoi(owner.substr(owner.find(':') + 1));
  for (auto& w : workers)
    if (w->pid() == pid) w->Kill(SIGKILL);
  auto t = svc.WaitDone(id, token, 240);
  EXPECT_EQ(t["state"], "succeeded") << t.dump();
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM artifacts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM transcripts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_NE(pg.Psql("SELECT lease_owner FROM jobs WHERE task_id = '" + id + "'"), owner);
}

}  // namespace
}  // namespace minutes
