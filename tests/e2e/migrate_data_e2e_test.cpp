// `minutes migrate-data` from the SQLite file of a service that has run, to a real PostgreSQL:
// dry run, copy with verification, a re-run that duplicates nothing, and the service on
// PostgreSQL serving the copied users, tasks, transcripts and minutes versions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "child_process.hpp"
#include "pg_server.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

TEST(MigrateData, SqliteToPostgresVerifiedAndRepeatable) {
  PgServer pg;
  fs::path data;
  std::string id;
  {
    TestService svc("migrate-data", {{"alice", "acme", true}});
    data = svc.dir();
    std::string token = svc.Token("alice");
    std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
    std::string wav((std::istreambuf_iterator<char>(in)), {});
    auto up = Call(svc.port(), "POST", "/api/v1/tasks?title=standup", wav, token, "audio/wav");
    ASSERT_EQ(up.status, 201) << up.body;
    id = up.json()["id"];
    ASSERT_EQ(svc.WaitDone(id, token, 180)["state"], "succeeded");
    ASSERT_EQ(
        Call(svc.port(), "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S1":"Alice"})", token)
            .status,
        200);
    ASSERT_EQ(Call(svc.port(), "POST", "/api/v1/tasks/" + id + "/minutes",
                   R"({"template":"default"})", token)
                  .status,
              202);
    for (int i = 0; i < 100; ++i) {
      auto v = Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/minutes/versions", "", token);
      if (v.json()["items"].size() == 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    fs::rename(data, data.string() + ".kept");  // survives the fixture
  }
  data = data.string() + ".kept";
  std::string from = "sqlite://" + (data / "minutes.db").string();
  std::string cmd = MinutesBinary() + " migrate-data --from " + ShellQuote(from) + " --to " +
                    ShellQuote(pg.Url());
  std::string segments = RunCommand("sqlite3 " + ShellQuote((data / "minutes.db").string()) +
                                    " 'SELECT count(*) FROM segments'")
                             .output;
  ASSERT_GT(std::stoi(segments), 0);

  auto dry = RunCommand(cmd + " --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("dry run: nothing copied"), std::string::npos) << dry.output;
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'tasks'"),
            "0\n");

  auto run = RunCommand(cmd + " --batch 7");  // small batches: many of them
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Every table the migrations make (21 after migration 0011) is copied and verified.
  const std::string tables = pg.Psql(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
      "table_name <> 'schema_migrations'");
  EXPECT_NE(
      run.output.find("all " + tables.substr(0, tables.find('\n')) + " tables copied and verified"),
      std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("MISMATCH"), std::string::npos) << run.output;
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM segments"), segments);
  auto again = RunCommand(cmd);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM segments"), segments) << "a re-run duplicated rows";
  EXPECT_EQ(pg.Psql("SELECT count(*) FROM artifacts"), "2\n");

  // The service on PostgreSQL, with the same data directory for its objects.
  fs::path err = data / "serve-pg.err";
  ChildProcess served(MinutesBinary(),
                      {"serve", "--port", "0", "--workers", "0", "--data-dir", data.string(),
                       "--database", pg.Url()},
                      {}, err.string());
  ASSERT_GT(served.port(), 0) << ReadFile(err.string());
  auto login = Call(served.port(), "POST", "/api/v1/auth/login",
                    R"({"username":"alice","password":"correct-battery-42"})");
  std::string token = login.json().value("access_token", "");
  ASSERT_FALSE(token.empty()) << login.body;
  auto txt =
      Call(served.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", token);
  EXPECT_NE(txt.body.find("Alice"), std::string::npos) << txt.body;
  EXPECT_EQ(
      Call(served.port(), "GET", "/api/v1/tasks/" + id + "/minutes?version=2", "", token).status,
      200);
  // New audit rows continue after the copied ids.
  int audits = std::stoi(pg.Psql("SELECT count(*) FROM audit_logs"));
  EXPECT_EQ(
      Call(served.port(), "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S2":"Bob"})", token)
          .status,
      200);
  EXPECT_EQ(std::stoi(pg.Psql("SELECT count(*) FROM audit_logs")), audits + 1);
  served.Kill(SIGTERM);
  fs::remove_all(data);
}

TEST(MigrateData, RefusesASourceThatIsNotMigrated) {
  fs::path db = fs::temp_directory_path() / ("minutes-empty-" + std::to_string(getpid()) + ".db");
  RunCommand("sqlite3 " + ShellQuote(db.string()) + " 'CREATE TABLE x (a)'");
  auto r = RunCommand(MinutesBinary() + " migrate-data --from sqlite://" + db.string() +
                      " --to sqlite://" + db.string() + ".out --dry-run");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("migrations pending"), std::string::npos) << r.output;
  fs::remove(db);
  fs::remove(db.string() + ".out");
}

}  // namespace
}  // namespace minutes
