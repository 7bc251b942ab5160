// Fair workers through the real binary (issue 17's finding, at small scale): one tenant's
// webhooks to a receiver that does not answer kept the only worker busy while another tenant's
// transcription waited. Here `minutes serve` has one transcription slot (server.workers: 1)
// and the default two light threads; tenant acme has six webhooks to a receiver that holds
// every delivery until the test lets it go. Tenant globex's transcription must finish while
// acme's deliveries are still held — impossible if a delivery could occupy the transcription
// slot, since none ends before the test opens the gate — and so must globex's own webhook
// delivery: acme may hold only one light thread (worker.max_light_running_per_tenant, 1 by
// default), so the other is free for globex rather than held too, until a 10 s timeout. Only
// then are acme's released and all delivered. On the table queue and on Redis Streams.
#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "child_process.hpp"
#include "fake_http_server.hpp"
#include "fake_transcription_server.hpp"
#include "http_client.hpp"
#include "redis_server.hpp"
#include "run_command.hpp"
#include "testdata.hpp"  // MinutesBinary

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;
using namespace std::chrono_literals;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Two seconds of a tone: the speech provider below answers every recording at once anyway.
const std::string& ShortRecording() {
  static const std::string wav = [] {
    fs::path out =
        fs::temp_directory_path() / ("minutes-fair-" + std::to_string(getpid()) + ".wav");
    RunCommand("sox -n -r 16000 -c 1 -b 16 " + ShellQuote(out.string()) + " synth 2 sine 440");
    std::string bytes = ReadAll(out);
    fs::remove(out);
    return bytes;
  }();
  return wav;
}

// A webhook receiver that holds every request until Open() (or 15 s, past the service's 10 s
// webhook timeout), counting what arrived and what it is holding.
class GatedReceiver {
 public:
  ~GatedReceiver() { Open(); }  // before the server waits for its connections to end
  std::string Url(int i) const { return server_.Url("/hook/" + std::to_string(i)); }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int arrived() {
    std::lock_guard lock(mu_);
    return arrived_;
  }
  int held() {
    std::lock_guard lock(mu_);
    return held_;
  }
  /// Waits until `n` requests have arrived.
  bool WaitArrived(int n, std::chrono::milliseconds within) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, within, [&] { return arrived_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int arrived_ = 0, held_ = 0;
  FakeHttpServer server_{[this](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    {
      std::unique_lock lock(mu_);
      ++arrived_;
      ++held_;
      cv_.notify_all();
      cv_.wait_for(lock, 15s, [&] { return open_; });
      --held_;
    }
    res.setContentLength(0);
    res.send();
  }};
};

class FairWorkers : public ::testing::TestWithParam<std::string> {};

TEST_P(FairWorkers, AnotherTenantsSlowWebhooksDoNotHoldUpATranscription) {
  std::unique_ptr<RedisServer> redis;
  if (GetParam() == "redis") redis = std::make_unique<RedisServer>();
  FakeTranscriptionServer asr("sk-test");
  GatedReceiver receiver;
  fs::path dir =
      fs::temp_directory_path() / ("minutes-fair-" + GetParam() + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string config = (dir / "minutes.yaml").string();
  std::ofstream(config) << "data_dir: " << (dir / "data").string() << "\n"
                        << "queue: " << (redis ? redis->Url() : "database") << "\n"
                        << "asr:\n  engine: \"openai+http://:sk-test@127.0.0.1:" << asr.port()
                        << "/v1?model=whisper-1&name=speaches\"\n"
                        << "server: {workers: 1}\n"
                        << "worker: {light_threads: 2}\n"
                        << "webhooks: {timeout_s: 10, allow_private_networks: true}\n";
  for (auto [user, tenant] : {std::pair{"boss", "acme"}, std::pair{"rival", "globex"}})
    ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
                         " --tenant " + tenant + " --password-stdin --admin --config " + config)
                  .exit_code,
              0);
  ChildProcess serve(MinutesBinary(), {"serve", "--config", config, "--port", "0"}, {},
                     (dir / "serve.err").string());
  ASSERT_GT(serve.port(), 0) << ReadAll(dir / "serve.err");
  auto token = [&](const std::string& user) {
    return Call(serve.port(), "POST", "/api/v1/auth/login",
                R"({"username":")" + user + R"(","password":"correct-battery-42"})")
        .json()
        .value("access_token", "");
  };
  std::string boss = token("boss"), rival = token("rival");
  auto upload = [&](const std::string& tok) {
    auto up = Call(serve.port(), "POST", "/api/v1/tasks", ShortRecording(), tok, "audio/wav");
    EXPECT_EQ(up.status, 201) << up.body;
    return up.json().value("id", "");
  };
  auto wait_done = [&](const std::string& id, const std::string& tok,
                       std::chrono::milliseconds within) {
    nlohmann::json t;
    for (auto until = std::chrono::steady_clock::now() + within;
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
      t = Call(serve.port(), "GET", "/api/v1/tasks/" + id, "", tok).json();
      if (t.value("state", "") != "queued" && t.value("state", "") != "processing") break;
    }
    return t;
  };

  constexpr int kHooks = 6;
  for (int i = 0; i < kHooks; ++i) {
    auto made = Call(serve.port(), "POST", "/api/v1/webhooks",
                     nlohmann::json{{"url", receiver.Url(i)}}.dump(), boss);
    ASSERT_EQ(made.status, 201) << made.body;
  }
  // globex's receiver answers at once.
  std::mutex rival_mu;
  std::condition_variable rival_cv;
  int rival_hooks = 0;
  FakeHttpServer rival_receiver([&](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    {
      std::lock_guard lock(rival_mu);
      ++rival_hooks;
    }
    rival_cv.notify_all();
    res.setContentLength(0);
    res.send();
  });
  auto hooked = Call(serve.port(), "POST", "/api/v1/webhooks",
                     nlohmann::json{{"url", rival_receiver.Url("/hook")}}.dump(), rival);
  ASSERT_EQ(hooked.status, 201) << hooked.body;
  // acme's task succeeds and queues six deliveries; one light thread is soon held.
  auto first = wait_done(upload(boss), boss, 30s);
  ASSERT_EQ(first.value("state", ""), "succeeded") << first.dump();
  ASSERT_TRUE(receiver.WaitArrived(1, 10s)) << ReadAll(dir / "serve.err");

  // globex's transcription runs now, in the slot no delivery can take.
  auto started = std::chrono::steady_clock::now();
  auto second = wait_done(upload(rival), rival, 8s);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(second.value("state", ""), "succeeded") << second.dump();
  // Sharing one slot, it would have waited for the deliveries ahead of it: 6 × 10 s timeouts.
  EXPECT_LT(took, 5.0);
  // globex's delivery takes the light thread acme may not: without the cap both would be
  // acme's, held until the 10 s timeout.
  {
    std::unique_lock lock(rival_mu);
    EXPECT_TRUE(rival_cv.wait_for(lock, 3s, [&] { return rival_hooks == 1; }))
        << "globex's webhook waited behind acme's";
  }
  EXPECT_EQ(receiver.held(), 1) << "acme's deliveries hold one light thread, not both";
  EXPECT_EQ(receiver.arrived(), 1) << "acme's other deliveries wait for its running one";

  receiver.Open();
  EXPECT_TRUE(receiver.WaitArrived(kHooks, 10s)) << "every delivery still happens";
  std::string log = ReadAll(dir / "serve.err");
  EXPECT_NE(log.find("\"lane\":\"light\""), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(Queues, FairWorkers, ::testing::Values("table", "redis"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace minutes
