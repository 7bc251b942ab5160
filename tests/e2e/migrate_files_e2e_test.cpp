// `minutes migrate-files` from local disk to an S3 bucket (s3rver): dry run, a run killed with -9
// halfway and resumed (nothing copied twice, nothing lost), the database's objects checked, and
// the service then serving its recordings from the bucket.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "child_process.hpp"
#include "run_command.hpp"
#include "s3_server.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

size_t ObjectsOnServer(const S3Server& s3) {
  size_t n = 0;
  fs::path root = s3.data_dir() / "media";
  if (!fs::exists(root)) return 0;
  for (auto& e : fs::recursive_directory_iterator(root))
    n += e.path().string().ends_with("._S3rver_object") &&
                 e.path().string().find("~sha256") == std::string::npos &&
                 e.path().string().find("_probe") == std::string::npos
             ? 1
             : 0;
  return n;
}

TEST(MigrateFiles, LocalDiskToABucketResumably) {
  S3Server s3("media");
  setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
  std::string target = s3.Url("moved");

  // A service with two recordings in its database, plus 120 more objects in its store.
  std::string id, wav;
  fs::path data;
  {
    TestService svc("migrate", {{"alice", "acme", false}}, {"--workers", "0"});
    data = svc.dir();
    std::string token = svc.Token("alice");
    std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
    wav.assign((std::istreambuf_iterator<char>(in)), {});
    for (int i = 0; i < 2; ++i) {
      auto up = Call(svc.port(), "POST", "/api/v1/tasks?title=m", wav, token, "audio/wav");
      ASSERT_EQ(up.status, 201) << up.body;
      id = up.json()["id"];
    }
    std::mt19937 rng(5);
    for (int i = 0; i < 120; ++i) {
      fs::path p = data / "objects" / "extra" / ("blob-" + std::to_string(i));
      fs::create_directories(p.parent_path());
      std::string bytes(256 << 10, '\0');
      for (char& c : bytes) c = static_cast<char>(rng());
      std::ofstream(p, std::ios::binary) << bytes;
    }
    // Keep the data directory: the service is stopped, its files stay for the migration.
    fs::rename(data, data.string() + ".kept");
  }
  data = data.string() + ".kept";
  std::string from = "file://" + (data / "objects").string();
  std::string db_flags = " --data-dir " + ShellQuote(data.string());
  std::string cmd = MinutesBinary() + " migrate-files --from " + ShellQuote(from) + " --to " +
                    ShellQuote(target) + db_flags;

  auto dry = RunCommand(cmd + " --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("122 objects"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("would copy extra/blob-7"), std::string::npos);
  EXPECT_EQ(ObjectsOnServer(s3), 0u) << "a dry run copied something";

  // Killed halfway...
  {
    ChildProcess run(MinutesBinary(),
                     {"migrate-files", "--from", from, "--to", target, "--data-dir", data.string()},
                     {}, (data / "migrate.err").string());
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (ObjectsOnServer(s3) < 30 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    run.Kill(SIGKILL);
  }
  size_t before = ObjectsOnServer(s3);
  ASSERT_GE(before, 30u);
  ASSERT_LT(before, 122u) << "the run finished before it could be interrupted";

  // ...and run again: it finishes, copying only what was missing.
  auto resumed = RunCommand(cmd);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(resumed.output, m, std::regex(R"(copied (\d+), already there (\d+))")))
      << resumed.output;
  int copied = std::stoi(m[1]), skipped = std::stoi(m[2]);
  EXPECT_EQ(copied + skipped, 122);
  EXPECT_GE(skipped, static_cast<int>(before) - 1);  // the one in flight at the kill may redo
  EXPECT_NE(resumed.output.find("all 2 objects the database references are in the target"),
            std::string::npos)
      << resumed.output;
  EXPECT_EQ(ObjectsOnServer(s3), 122u);
  auto again = RunCommand(cmd);
  EXPECT_NE(again.output.find("copied 0, already there 122"), std::string::npos) << again.output;

  // The service, pointed at the bucket, serves the recordings from there.
  fs::remove_all(data / "objects");
  setenv("MINUTES_STORAGE", target.c_str(), 1);
  {
    fs::path err =
        fs::temp_directory_path() / ("minutes-migrate-serve-" + std::to_string(getpid()));
    ChildProcess served(MinutesBinary(),
                        {"serve", "--port", "0", "--workers", "0", "--data-dir", data.string()}, {},
                        err.string());
    ASSERT_GT(served.port(), 0) << ReadFile(err.string());
    auto login = Call(served.port(), "POST", "/api/v1/auth/login",
                      R"({"username":"alice","password":"correct-battery-42"})");
    std::string token = login.json().value("access_token", "");
    auto audio = Call(served.port(), "GET", "/api/v1/tasks/" + id + "/audio", "", token);
    EXPECT_EQ(audio.status, 200);
    EXPECT_TRUE(audio.body == wav) << "the recording served from the bucket differs";
  }
  unsetenv("MINUTES_STORAGE");
  fs::remove_all(data);
}

}  // namespace
}  // namespace minutes
