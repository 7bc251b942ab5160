// Processes and configuration: serve and `minutes worker` driven by one YAML file + MINUTES_*
// environment; admin commands beside a running server; a worker killed with -9 mid-task (the
// task still succeeds exactly once); SIGTERM releases; /health/ready probes every backend.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "child_process.hpp"
#include "http_client.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

class Processes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("minutes-proc-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "minutes.yaml").string();
    std::ofstream(config_) << "data_dir: " << (dir_ / "data").string() << "\n"
                           << "server:\n  workers: 0\n  max_upload_mb: 1\n"
                           << "auth:\n  jwt_secret: ${TEST_JWT_SECRET}\n"
                           << "worker:\n  lease_s: 3\n"
                           << "asr:\n  threads: 1\n";
    env_ = {{"TEST_JWT_SECRET", std::string(40, 'k')}};
    ASSERT_EQ(
        Admin("user add alice --tenant acme --password-stdin", "correct-battery-42").exit_code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandResult Admin(const std::string& args, const std::string& stdin_text = "") {
    std::string cmd = "TEST_JWT_SECRET=" + env_["TEST_JWT_SECRET"] + " " + MinutesBinary() + " " +
                      args + " --config " + ShellQuote(config_);
    if (!stdin_text.empty()) cmd = "printf %s " + ShellQuote(stdin_text) + " | " + cmd;
    return RunCommand(cmd);
  }
  std::unique_ptr<ChildProcess> Start(const std::string& command,
                                      std::vector<std::string> extra = {},
                                      std::map<std::string, std::string> env = {}) {
    std::vector<std::string> args{command, "--config", config_};
    if (command == "serve") args.insert(args.end(), {"--port", "0"});
    args.insert(args.end(), extra.begin(), extra.end());
    for (auto& [k, v] : env_) env.emplace(k, v);
    return std::make_unique<ChildProcess>(MinutesBinary(), args, env,
                                          (dir_ / (command + ".err")).string(), /*append=*/true);
  }
  std::string Token(int port) {
    auto r = Call(port, "POST", "/api/v1/auth/login",
                  R"({"username":"alice","password":"correct-battery-42"})");
    return r.json().value("access_token", "");
  }
  std::string Upload(int port, const std::string& token, const fs::path& wav) {
    std::ifstream in(wav, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    auto r = Call(port, "POST", "/api/v1/tasks?title=t", bytes, token, "audio/wav");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  nlohmann::json Task(int port, const std::string& token, const std::string& id) {
    return Call(port, "GET", "/api/v1/tasks/" + id, "", token).json();
  }
  // Polls until `pred(task)` or the timeout; the last task JSON.
  template <typename Pred>
  nlohmann::json WaitFor(int port, const std::string& token, const std::string& id, Pred pred,
                         int timeout_s = 180) {
    nlohmann::json t;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < until) {
      t = Task(port, token, id);
      if (pred(t)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return t;
  }
  std::string Sql(const std::string& q) {
    return RunCommand("sqlite3 " + ShellQuote((dir_ / "data" / "minutes.db").string()) + " " +
                      ShellQuote(q))
        .output;
  }
  fs::path dir_;
  std::string config_;
  std::map<std::string, std::string> env_;
};

TEST_F(Processes, ConfigFileAndEnvironmentDriveServe) {
  // max_upload_mb: 1 from the file; MINUTES_SERVER_HOST from the environment.
  auto serve = Start("serve", {}, {{"MINUTES_SERVER_HOST", "127.0.0.1"}});
  ASSERT_GT(serve->port(), 0) << ReadFile((dir_ / "serve.err").string());
  std::string token = Token(serve->port());
  ASSERT_FALSE(token.empty());
  auto big =
      Call(serve->port(), "POST", "/api/v1/tasks", std::string(2 << 20, 'x'), token, "audio/wav");
  EXPECT_EQ(big.status, 413) << big.body;
  // The flag beats the file.
  auto serve2 = Start("serve", {"--max-upload-mb", "5"});
  ASSERT_GT(serve2->port(), 0);
  // ${TEST_JWT_SECRET} is the signing key of both: a token from one is good at the other.
  EXPECT_EQ(Call(serve2->port(), "GET", "/api/v1/me", "", token).status, 200);
  auto shown = Admin("config show");
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.output.find("max_upload_mb: 1"), std::string::npos) << shown.output;
  EXPECT_EQ(shown.output.find(std::string(40, 'k')), std::string::npos) << "secret not masked";
  EXPECT_EQ(serve->Kill(SIGTERM), 0);
  EXPECT_EQ(serve2->Kill(SIGTERM), 0);
}

TEST_F(Processes, InvalidConfigFailsAtStartNamingTheKey) {
  std::ofstream(config_, std::ios::app) << "webhooks:\n  timeout_s: zero\n";
  auto serve = Start("serve");
  EXPECT_EQ(serve->port(), 0);
  EXPECT_EQ(serve->Wait(), 2);
  EXPECT_NE(ReadFile((dir_ / "serve.err").string()).find("webhooks.timeout_s"), std::string::npos);
  auto worker = Start("worker");
  EXPECT_EQ(worker->Wait(), 2);
  EXPECT_NE(ReadFile((dir_ / "worker.err").string()).find("webhooks.timeout_s"), std::string::npos);
  // An environment override is checked the same way.
  auto bad_env = RunCommand(MinutesBinary() + " worker --data-dir " +
                            ShellQuote((dir_ / "data").string()) + " --concurrency 0");
  EXPECT_EQ(bad_env.exit_code, 2);
  EXPECT_NE(bad_env.output.find("worker.concurrency"), std::string::npos) << bad_env.output;
}

TEST_F(Processes, AdminCommandsWorkWhileServing) {
  auto serve = Start("serve");
  ASSERT_GT(serve->port(), 0);
  ASSERT_EQ(Admin("user add bob --tenant acme --password-stdin", "correct-battery-43").exit_code,
            0);
  auto r = Call(serve->port(), "POST", "/api/v1/auth/login",
                R"({"username":"bob","password":"correct-battery-43"})");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Admin("user disable bob").exit_code, 0);
  r = Call(serve->port(), "POST", "/api/v1/auth/login",
           R"({"username":"bob","password":"correct-battery-43"})");
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(Processes, WorkerKilledMidTaskStillSucceedsExactlyOnce) {
  auto serve = Start("serve", {"--max-upload-mb", "50"});
  ASSERT_GT(serve->port(), 0);
  int port = serve->port();
  std::string token = Token(port);
  std::string id = Upload(port, token, TestData("planning") / "meeting.wav");
  ASSERT_FALSE(id.empty());
  auto first = Start("worker");
  ASSERT_NE(first->first_line().find("worker running"), std::string::npos);
  auto t = WaitFor(port, token, id, [](const nlohmann::json& t) {
    return t.value("stage", "") == "transcribe" || t.value("state", "") == "succeeded";
  });
  ASSERT_EQ(t["state"], "processing") << t.dump() << " (the recording finished too quickly)";
  EXPECT_EQ(first->Kill(SIGKILL), 128 + SIGKILL);
  auto second = Start("worker");
  t = WaitFor(port, token, id, [](const nlohmann::json& t) {
    return t.value("state", "") == "succeeded" || t.value("state", "") == "failed";
  });
  EXPECT_EQ(t["state"], "succeeded") << t.dump();
  // Exactly once: one transcript, one minutes version, segments without duplicates, and the
  // task's attempts show it was taken twice.
  EXPECT_EQ(Sql("SELECT count(*) FROM transcripts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_EQ(Sql("SELECT count(*) FROM artifacts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_EQ(
      Sql("SELECT count(*) - count(DISTINCT start_s) FROM segments WHERE task_id = '" + id + "'"),
      "0\n");
  EXPECT_EQ(Sql("SELECT attempts FROM tasks WHERE id = '" + id + "'"), "2\n");
  auto tr = Call(port, "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", token);
  EXPECT_EQ(tr.status, 200);
  EXPECT_GT(tr.body.size(), 100u);
  EXPECT_EQ(second->Kill(SIGTERM), 0);
}

TEST_F(Processes, SigtermReleasesTheJobToAnotherWorker) {
  auto serve = Start("serve", {"--max-upload-mb", "50"});
  ASSERT_GT(serve->port(), 0);
  int port = serve->port();
  std::string token = Token(port);
  std::string id = Upload(port, token, TestData("planning") / "meeting.wav");
  auto first = Start("worker");
  auto t = WaitFor(port, token, id, [](const nlohmann::json& t) {
    return t.value("stage", "") == "transcribe" || t.value("state", "") == "succeeded";
  });
  ASSERT_EQ(t["state"], "processing") << t.dump();
  auto stopped_at = std::chrono::steady_clock::now();
  EXPECT_EQ(first->Kill(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, std::chrono::seconds(15));
  auto second = Start("worker");
  t = WaitFor(port, token, id, [](const nlohmann::json& t) {
    return t.value("state", "") == "succeeded" || t.value("state", "") == "failed";
  });
  EXPECT_EQ(t["state"], "succeeded") << t.dump();
  EXPECT_EQ(Sql("SELECT count(*) FROM artifacts WHERE task_id = '" + id + "'"), "1\n");
  EXPECT_EQ(second->Kill(SIGTERM), 0);
  // The workers' log (both append to one file): JSON lines, since stderr is not a terminal, with
  // the job's outcome — from whichever worker finished it — and the stops among them.
  std::ifstream log(dir_ / "worker.err");
  std::set<std::string> events;
  for (std::string line; std::getline(log, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not a JSON line: " << line;
    events.insert(j.value("event", ""));
    if (j.value("event", "") == "job_succeeded") {
      EXPECT_EQ(j["task_id"], id);
      EXPECT_EQ(j["kind"], "transcribe");
      EXPECT_GT(j["duration_ms"].get<double>(), 0);
    }
  }
  for (const char* e : {"worker_started", "job_started", "job_succeeded", "stopping", "stopped"})
    EXPECT_TRUE(events.count(e)) << e;
}

TEST_F(Processes, ReadinessProbesEveryBackend) {
  auto serve = Start("serve");
  ASSERT_GT(serve->port(), 0);
  auto r = Call(serve->port(), "GET", "/health/ready");
  EXPECT_EQ(r.status, 200) << r.body;
  for (const char* c : {"database", "queue", "storage"}) {
    EXPECT_EQ(r.json()["components"][c]["status"], "ok") << c;
    EXPECT_TRUE(r.json()["components"][c]["latency_ms"].is_number()) << c;
  }
  // Storage broken under the running server: its directory replaced by a file.
  fs::path objects = dir_ / "data" / "objects";
  fs::rename(objects, dir_ / "objects.away");
  std::ofstream(objects) << "not a directory";
  r = Call(serve->port(), "GET", "/health/ready");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json()["components"]["storage"]["status"], "error");
  EXPECT_EQ(r.json()["components"]["database"]["status"], "ok");
  fs::remove(objects);
  fs::rename(dir_ / "objects.away", objects);
  EXPECT_EQ(Call(serve->port(), "GET", "/health/ready").status, 200);
}

// A separate worker shows its health and its own stage durations on its status port.
TEST_F(Processes, WorkerServesHealthAndItsOwnMetrics) {
  auto serve = Start("serve", {"--max-upload-mb", "50"});
  ASSERT_GT(serve->port(), 0);
  std::string token = Token(serve->port());
  auto worker = Start("worker", {"--status-port", "0"});
  const std::string& line = worker->first_line();
  auto at = line.find("status on http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << line;
  int status_port = std::stoi(line.substr(line.rfind(':') + 1));
  auto health = Call(status_port, "GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_EQ(Call(status_port, "GET", "/health/ready").status, 200);
  EXPECT_EQ(Call(status_port, "GET", "/nope").status, 404);
  std::string id = Upload(serve->port(), token, TestData("standup") / "meeting.wav");
  auto t = WaitFor(serve->port(), token, id,
                   [](const nlohmann::json& t) { return t.value("state", "") == "succeeded"; });
  ASSERT_EQ(t["state"], "succeeded") << t.dump();
  // The stages ran in the worker process: its /metrics has them, with one observation each.
  auto metrics = Call(status_port, "GET", "/metrics").body;
  for (const char* stage : {"decode", "transcribe", "diarize"})
    EXPECT_NE(metrics.find(std::string("minutes_stage_duration_seconds_count{stage=\"") + stage +
                           "\"} 1"),
              std::string::npos)
        << stage << "\n"
        << metrics;
  EXPECT_EQ(worker->Kill(SIGTERM), 0);
}

// An occupied status port stops the worker at start, naming the key.
TEST_F(Processes, WorkerStatusPortInUseFailsAtStart) {
  Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto r = Admin("worker --status-port " + std::to_string(taken.address().port()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("worker.status_port"), std::string::npos) << r.output;
}

// Two servers on one port would share its traffic (SO_REUSEPORT); the second must not start.
TEST_F(Processes, ServePortInUseFailsAtStart) {
  auto first = Start("serve");
  ASSERT_GT(first->port(), 0);
  auto r = Admin("serve --port " + std::to_string(first->port()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot listen"), std::string::npos) << r.output;
}

// Temporaries past worker.temp_ttl_s go — by `minutes sweep` and by a running worker — while
// recordings a task refers to stay however old they are.
TEST_F(Processes, SweepRemovesOldTemporariesOnly) {
  auto serve = Start("serve", {"--max-upload-mb", "50"});
  ASSERT_GT(serve->port(), 0);
  std::string token = Token(serve->port());
  std::string id = Upload(serve->port(), token, TestData("standup") / "meeting.wav");
  std::string key = Sql("SELECT storage_key FROM objects");
  key.pop_back();  // newline
  fs::path objects = dir_ / "data" / "objects";
  fs::path recordings = (objects / key).parent_path();
  fs::path temp = dir_ / "tmp";
  fs::create_directories(temp);
  fs::create_directories(objects / "_probe");
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(48);
  auto make = [&](const fs::path& p, bool aged) {
    std::ofstream(p) << "x";
    if (aged) fs::last_write_time(p, old);
  };
  make(recordings / "orphan-old.wav", true);
  make(recordings / "orphan-new.wav", false);
  make(objects / "~staging" / "put-old", true);
  make(objects / "~staging" / "put-new", false);
  make(objects / "_probe" / "old", true);
  make(temp / "minutes-task-x-1", true);
  make(temp / "unrelated-old", true);
  fs::last_write_time(objects / key, old);  // old, but a task refers to it
  // Two direct uploads with a part each; one is past its expiry.
  std::vector<std::string> uploads;
  for (int i = 0; i < 2; ++i) {
    auto up = Call(serve->port(), "POST", "/api/v1/uploads",
                   R"({"filename":"a.wav","size":4,"content_type":"audio/wav"})", token);
    ASSERT_EQ(up.status, 201) << up.body;
    uploads.push_back(up.json()["id"]);
    ASSERT_EQ(Call(serve->port(), "PUT", up.json()["parts"][0]["url"], "RIFF", "",
                   "application/octet-stream")
                  .status,
              200);
  }
  Sql("UPDATE uploads SET expires_at = '2000-01-01T00:00:00Z' WHERE id = '" + uploads[0] + "'");
  std::string yaml = ReadFile(config_);
  yaml.replace(yaml.find("worker:\n"), 8, "worker:\n  temp_dir: " + temp.string() + "\n");
  std::ofstream(config_) << yaml;

  auto r = Admin("sweep");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("swept 1 unfinished upload piece(s), 1 probe object(s), 1 orphaned "
                          "recording(s), 1 temporary file(s)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("1 expired direct upload(s)"), std::string::npos) << r.output;
  EXPECT_EQ(Sql("SELECT state FROM uploads ORDER BY created_at, id = '" + uploads[1] + "'"),
            "expired\nopen\n");
  auto expired = Call(serve->port(), "GET", "/api/v1/uploads/" + uploads[0], "", token);
  EXPECT_EQ(expired.json()["state"], "expired") << expired.body;
  auto open = Call(serve->port(), "GET", "/api/v1/uploads/" + uploads[1], "", token);
  EXPECT_EQ(open.json()["parts_received"].size(), 1u) << open.body;
  size_t upload_dirs = 0;
  for (auto& e : fs::directory_iterator(objects / "~uploads")) upload_dirs += e.is_directory();
  EXPECT_EQ(upload_dirs, 1u) << "the expired upload's parts are gone, the open one's kept";
  for (const fs::path& gone : {recordings / "orphan-old.wav", objects / "~staging" / "put-old",
                               objects / "_probe" / "old", temp / "minutes-task-x-1"})
    EXPECT_FALSE(fs::exists(gone)) << gone;
  for (const fs::path& kept : {recordings / "orphan-new.wav", objects / "~staging" / "put-new",
                               objects / key, temp / "unrelated-old"})
    EXPECT_TRUE(fs::exists(kept)) << kept;
  EXPECT_EQ(Call(serve->port(), "GET", "/api/v1/tasks/" + id + "/audio", "", token).status, 200);

  // A running worker sweeps on its own, every ttl/4.
  make(recordings / "orphan-old2.wav", true);
  auto worker = Start("worker", {}, {{"MINUTES_WORKER_TEMP_TTL_S", "4"}});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (fs::exists(recordings / "orphan-old2.wav") && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(fs::exists(recordings / "orphan-old2.wav"));
  EXPECT_TRUE(fs::exists(objects / key));
  EXPECT_EQ(worker->Kill(SIGTERM), 0);
}

// FFmpeg and the ~130 libraries behind it are loaded on the first recording, not at start: an
// idle API server maps none of them.
TEST_F(Processes, MediaLibrariesLoadWithTheFirstRecording) {
  auto serve = Start("serve", {"--max-upload-mb", "50", "--workers", "1"});
  ASSERT_GT(serve->port(), 0);
  auto maps = [&] {
    std::ifstream in("/proc/" + std::to_string(serve->pid()) + "/maps");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  // Nor the speech libraries (and LAPACK, BLAS, gfortran behind SphinxBase), nor libcurl/libpq.
  for (const char* lib :
       {"libavcodec", "libx265", "libpocketsphinx", "libsphinxbase", "libwebrtc_audio_processing",
        "liblapack", "libgfortran", "libcurl", "libpq"})
    EXPECT_EQ(maps().find(lib), std::string::npos) << lib << " is mapped at start";
  std::string token = Token(serve->port());
  std::string id = Upload(serve->port(), token, TestData("standup") / "meeting.wav");
  EXPECT_FALSE(id.empty());
  EXPECT_NE(maps().find("libavcodec"), std::string::npos);
  EXPECT_NE(maps().find("libavformat"), std::string::npos);
  // The embedded worker transcribes it: VAD, PocketSphinx and the diarizer's front end load then.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((maps().find("libpocketsphinx") == std::string::npos ||
          maps().find("libwebrtc_audio_processing") == std::string::npos) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (const char* lib : {"libwebrtc_audio_processing", "libpocketsphinx", "libsphinxbase"})
    EXPECT_NE(maps().find(lib), std::string::npos) << lib << " was not loaded for a recording";
}

}  // namespace
}  // namespace minutes
