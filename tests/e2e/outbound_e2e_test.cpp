// What leaves the service and what it leaves on disk, through the real binary: webhook URLs to
// internal addresses refused with the reason (in every encoding), a loopback receiver getting
// nothing unless `webhooks.allow_private_networks`, no URL password in the log, the per-tenant
// webhook cap, SRT/VTT exports that escape markup, private database and object files, and a
// full volume (a real small tmpfs) answering 507 while /health/ready warns before it is full.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "child_process.hpp"
#include "fake_http_server.hpp"
#include "fake_transcription_server.hpp"
#include "http_client.hpp"
#include "pg_server.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

unsigned ModeOf(const fs::path& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

// Five seconds of the standup meeting: enough for a transcript, quick to process.
const std::string& ShortRecording() {
  static const std::string wav = [] {
    fs::path out =
        fs::temp_directory_path() / ("minutes-outbound-" + std::to_string(getpid()) + ".wav");
    RunCommand("sox " + ShellQuote((TestData("standup") / "meeting.wav").string()) + " " +
               ShellQuote(out.string()) + " trim 0 5");
    std::string bytes = ReadAll(out);
    fs::remove(out);
    return bytes;
  }();
  return wav;
}

// A `minutes serve` with a provider for speech (answers at once, with markup in its words),
// admins in two tenants, and its log in a file.
class Service {
 public:
  /// Admins: boss in acme and, with `two_tenants`, capper in capco.
  Service(const std::string& name, const std::string& extra_config, bool two_tenants = false) {
    dir_ = fs::temp_directory_path() / ("minutes-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    asr_.words = {"look", "<img", "src=x", "onerror=alert(1)>", "&", "<b>done</b>"};
    config_ = (dir_ / "minutes.yaml").string();
    std::ofstream(config_) << "data_dir: " << (dir_ / "data").string() << "\n"
                           << "asr:\n  engine: \"openai+http://:sk-test@127.0.0.1:" << asr_.port()
                           << "/v1?model=whisper-1&name=speaches\"\n"
                           << extra_config;
    for (auto [user, tenant] : {std::pair{"boss", "acme"}, std::pair{"capper", "capco"}})
      if (two_tenants || std::string(user) == "boss") {
        EXPECT_EQ(
            RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
                       " --tenant " + tenant + " --password-stdin --admin --config " + config_)
                .exit_code,
            0);
      }
    serve_ = std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"serve", "--config", config_, "--port", "0"},
        std::map<std::string, std::string>{}, (dir_ / "serve.err").string());
  }
  ~Service() {
    serve_.reset();
    fs::remove_all(dir_);
  }
  int port() const { return serve_->port(); }
  const fs::path& dir() const { return dir_; }
  std::string log() const { return ReadAll(dir_ / "serve.err"); }
  std::string Token(const std::string& user) {
    return Call(port(), "POST", "/api/v1/auth/login",
                R"({"username":")" + user + R"(","password":"correct-battery-42"})")
        .json()
        .value("access_token", "");
  }
  Reply Do(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body = "", const std::string& type = "application/json") {
    return Call(port(), method, path, body, token, type);
  }
  // Uploads the short recording and waits for the task to end; its final JSON.
  nlohmann::json RunTask(const std::string& token) {
    auto up = Do("POST", "/api/v1/tasks", token, ShortRecording(), "audio/wav");
    EXPECT_EQ(up.status, 201) << up.body;
    std::string id = up.json().value("id", "");
    nlohmann::json t;
    for (int i = 0; i < 300; ++i) {
      t = Do("GET", "/api/v1/tasks/" + id, token).json();
      if (t.value("state", "") != "queued" && t.value("state", "") != "processing") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return t;
  }
  // Waits until the log has a line containing all of `parts`; that line, or "".
  std::string WaitForLogLine(std::initializer_list<std::string> parts, int timeout_ms = 10000) {
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
      std::istringstream lines(log());
      for (std::string line; std::getline(lines, line);) {
        bool all = true;
        for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
        if (all) return line;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

 private:
  FakeTranscriptionServer asr_{"sk-test"};
  fs::path dir_;
  std::string config_;
  std::unique_ptr<ChildProcess> serve_;
};

// A webhook receiver on loopback that records what reaches it.
struct Receiver {
  FakeHttpServer server{[](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.setContentLength(0);
    res.send();
  }};
  std::string Url() const { return server.Url("/hook"); }
};

// One server with the default (strict) policy for the whole suite.
class Outbound : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    svc_ = new Service("outbound", "worker: {max_attempts: 1}\n", true);
    ASSERT_GT(svc_->port(), 0) << svc_->log();
    boss_ = svc_->Token("boss");
    capper_ = svc_->Token("capper");
  }
  static void TearDownTestSuite() {
    delete svc_;
    svc_ = nullptr;
  }
  static Service* svc_;
  static std::string boss_, capper_;
};
Service* Outbound::svc_ = nullptr;
std::string Outbound::boss_, Outbound::capper_;

TEST_F(Outbound, WebhookUrlsToInternalAddressesAreRefusedWithTheReason) {
  Receiver receiver;
  struct {
    std::string url, reason;
  } refused[] = {
      {"http://169.254.169.254/latest/meta-data/", "metadata"},
      {"http://metadata.google.internal/computeMetadata/v1/", "metadata"},
      {"http://10.0.0.1/hook", "private"},
      {"http://0x7f.1/hook", "loopback"},
      {"http://2130706433/hook", "loopback"},
      {"http://0177.0.0.1/hook", "loopback"},
      {"http://127.1/hook", "loopback"},
      {"http://[::ffff:169.254.169.254]/hook", "metadata"},
      {"http://[::1]/hook", "loopback"},
      {"http://[fd00:ec2::254]/", "metadata"},
      {"http://100.64.0.1/hook", "carrier-grade NAT"},
      {"http://[fc00::1]/hook", "unique-local"},
      {"http://224.0.0.1/hook", "multicast"},
      {"http://0.0.0.0:8000/hook", "unspecified"},
      {"http://localhost:8000/hook", "loopback"},
      {receiver.Url(), "loopback"},
  };
  for (auto& r : refused) {
    auto res = svc_->Do("POST", "/api/v1/webhooks", boss_, nlohmann::json{{"url", r.url}}.dump());
    EXPECT_EQ(res.status, 422) << r.url << ": " << res.body;
    auto error = res.json()["error"];
    EXPECT_EQ(error["code"], "unprocessable") << res.body;
    EXPECT_NE(error["message"].get<std::string>().find(r.reason), std::string::npos)
        << r.url << ": " << res.body;
  }
  EXPECT_EQ(svc_->Do("POST", "/api/v1/webhooks", boss_, R"({"url":"gopher://8.8.8.8/"})").status,
            400);
  EXPECT_EQ(svc_->Do("GET", "/api/v1/webhooks", boss_).json()["items"].size(), 0u)
      << "nothing refused was stored";
  EXPECT_TRUE(receiver.server.Received().empty());
}

TEST_F(Outbound, UrlPasswordsAreRefusedAndALoopbackReceiverGetsNothing) {
  auto creds = svc_->Do("POST", "/api/v1/webhooks", boss_,
                        R"({"url":"https://hookuser:Pa55-in-url@8.8.8.8/hook"})");
  EXPECT_EQ(creds.status, 422) << creds.body;
  EXPECT_NE(creds.body.find("user:password@"), std::string::npos) << creds.body;
  EXPECT_EQ(creds.body.find("Pa55-in-url"), std::string::npos) << creds.body;

  // Webhooks stored before these checks (or while private networks were allowed) pointing at
  // a receiver on loopback, one with a password in its URL: deliveries refuse both, at once.
  Receiver receiver;
  std::string port = std::to_string(receiver.server.port());
  fs::path db = svc_->dir() / "data/minutes.db";
  auto tenant = RunCommand("sqlite3 " + ShellQuote(db.string()) +
                           " \"SELECT tenant_id FROM users WHERE username = 'boss'\"");
  std::string tenant_id = tenant.output.substr(0, tenant.output.find('\n'));
  ASSERT_FALSE(tenant_id.empty()) << tenant.output;
  for (auto [id, url] :
       {std::pair{"oldhook", "http://127.0.0.1:" + port + "/hook"},
        std::pair{"credhook", "http://hookuser:Pa55-in-url@127.0.0.1:" + port + "/hook"}}) {
    auto inserted = RunCommand(
        "sqlite3 " + ShellQuote(db.string()) +
        " \"INSERT INTO webhooks (id, tenant_id, url, secret, events, created_at) VALUES ('" + id +
        "', '" + tenant_id + "', '" + url +
        "', 'whsec_0123456789abcdef', 'task.succeeded,task.failed', '2026-01-01T00:00:00Z')\"");
    ASSERT_EQ(inserted.exit_code, 0) << inserted.output;
  }
  auto task = svc_->RunTask(boss_);
  ASSERT_EQ(task["state"], "succeeded") << task.dump() << svc_->log();
  std::string loopback = svc_->WaitForLogLine({"job_failed", "webhook", "loopback"});
  EXPECT_NE(loopback, "") << svc_->log();
  EXPECT_NE(loopback.find("127.0.0.1:" + port + "/hook"), std::string::npos) << loopback;
  std::string creds_line = svc_->WaitForLogLine({"job_failed", "webhook", "user:password@"});
  EXPECT_NE(creds_line, "") << svc_->log();
  EXPECT_TRUE(receiver.server.Received().empty()) << "the loopback receiver got a delivery";
  EXPECT_EQ(svc_->log().find("Pa55-in-url"), std::string::npos) << "a URL password was logged";
  EXPECT_EQ(svc_->log().find("hookuser"), std::string::npos) << "a URL user was logged";
  EXPECT_EQ(svc_->Do("DELETE", "/api/v1/webhooks/credhook", boss_).status, 204);
  EXPECT_EQ(svc_->Do("DELETE", "/api/v1/webhooks/oldhook", boss_).status, 204);
}

TEST_F(Outbound, ATenantHasAtMostTwentyWebhooks) {
  std::vector<std::string> ids;
  for (int i = 1; i <= 20; ++i) {
    auto made = svc_->Do("POST", "/api/v1/webhooks", capper_,
                         R"({"url":"https://8.8.8.8/hook/)" + std::to_string(i) + R"("})");
    ASSERT_EQ(made.status, 201) << i << ": " << made.body;
    ids.push_back(made.json()["id"]);
  }
  auto over = svc_->Do("POST", "/api/v1/webhooks", capper_, R"({"url":"https://8.8.8.8/21"})");
  EXPECT_EQ(over.status, 422) << over.body;
  EXPECT_NE(over.body.find("limit is 20"), std::string::npos) << over.body;
  EXPECT_EQ(svc_->Do("GET", "/api/v1/webhooks", capper_).json()["items"].size(), 20u);
  // Other tenants have their own twenty.
  auto other = svc_->Do("POST", "/api/v1/webhooks", boss_, R"({"url":"https://8.8.4.4/x"})");
  EXPECT_EQ(other.status, 201) << other.body;
  EXPECT_EQ(
      svc_->Do("DELETE", "/api/v1/webhooks/" + other.json()["id"].get<std::string>(), boss_).status,
      204);
  EXPECT_EQ(svc_->Do("DELETE", "/api/v1/webhooks/" + ids[0], capper_).status, 204);
  EXPECT_EQ(svc_->Do("POST", "/api/v1/webhooks", capper_, R"({"url":"https://8.8.8.8/21"})").status,
            201);
}

TEST_F(Outbound, SubtitlesEscapeMarkupAndStoredFilesAreTheServicesAlone) {
  auto task = svc_->RunTask(boss_);
  ASSERT_EQ(task["state"], "succeeded") << task.dump() << svc_->log();
  std::string base = "/api/v1/tasks/" + task["id"].get<std::string>() + "/transcript?format=";
  auto srt = svc_->Do("GET", base + "srt", boss_);
  ASSERT_EQ(srt.status, 200) << srt.body;
  EXPECT_NE(srt.body.find("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;done&lt;/b&gt;"),
            std::string::npos)
      << srt.body;
  EXPECT_EQ(srt.body.find("<img"), std::string::npos) << srt.body;
  EXPECT_EQ(srt.body.find("<b>"), std::string::npos) << srt.body;
  auto vtt = svc_->Do("GET", base + "vtt", boss_);
  EXPECT_EQ(vtt.body.find("<img"), std::string::npos) << vtt.body;
  EXPECT_NE(vtt.body.find("&lt;img"), std::string::npos) << vtt.body;

  fs::path data = svc_->dir() / "data";
  for (const char* f : {"minutes.db", "minutes.db-wal", "minutes.db-shm"})
    EXPECT_EQ(ModeOf(data / f), 0600u) << f << " is " << std::oct << ModeOf(data / f);
  EXPECT_EQ(ModeOf(data) & 077, 0u) << "data dir is " << std::oct << ModeOf(data);
  EXPECT_EQ(ModeOf(data / "objects"), 0700u) << std::oct << ModeOf(data / "objects");
  int files = 0;
  for (auto& e : fs::recursive_directory_iterator(data / "objects")) {
    unsigned want = e.is_directory() ? 0700u : 0600u;
    EXPECT_EQ(ModeOf(e.path()), want) << e.path() << " is " << std::oct << ModeOf(e.path());
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_GT(files, 0);
}

TEST(OutboundPrivateNetworks, AllowedOnPurposeALoopbackReceiverGetsItsDelivery) {
  Service svc("outbound-private",
              "webhooks: {allow_private_networks: true}\nworker: {max_attempts: 1}\n");
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string boss = svc.Token("boss");
  Receiver receiver;
  auto made =
      svc.Do("POST", "/api/v1/webhooks", boss, nlohmann::json{{"url", receiver.Url()}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  // Still never metadata.
  auto meta = svc.Do("POST", "/api/v1/webhooks", boss,
                     R"({"url":"http://169.254.169.254/latest/meta-data/"})");
  EXPECT_EQ(meta.status, 422) << meta.body;
  auto task = svc.RunTask(boss);
  ASSERT_EQ(task["state"], "succeeded") << task.dump();
  for (int i = 0; i < 100 && receiver.server.Received().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto got = receiver.server.Received();
  ASSERT_EQ(got.size(), 1u) << svc.log();
  EXPECT_EQ(got[0].header("x-minutes-event"), "task.succeeded");
  EXPECT_EQ(nlohmann::json::parse(got[0].body)["task"]["id"], task["id"]);
}

TEST(OutboundOnPostgres, TheChecksAndTheCapHoldOnPostgres) {
  PgServer pg;
  Service svc("outbound-pg", "database: " + pg.Url() + "\nwebhooks: {max_per_tenant: 2}\n");
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string boss = svc.Token("boss");
  EXPECT_EQ(svc.Do("POST", "/api/v1/webhooks", boss, R"({"url":"http://0x7f.1/x"})").status, 422);
  for (const char* url : {"https://8.8.8.8/a", "https://8.8.4.4/b"})
    EXPECT_EQ(svc.Do("POST", "/api/v1/webhooks", boss, nlohmann::json{{"url", url}}.dump()).status,
              201);
  auto over = svc.Do("POST", "/api/v1/webhooks", boss, R"({"url":"https://8.8.8.8/c"})");
  EXPECT_EQ(over.status, 422) << over.body;
  EXPECT_NE(over.body.find("limit is 2"), std::string::npos) << over.body;
  EXPECT_EQ(svc.Do("GET", "/api/v1/webhooks", boss).json()["items"].size(), 2u);
}

// A tmpfs of a few MiB holds the objects; the database stays elsewhere.
class SmallVolume {
 public:
  SmallVolume(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallVolume() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

TEST(FullVolume, UploadsAnswer507AndReadinessWarnsBeforeItIsFull) {
  fs::path root = fs::temp_directory_path() / ("minutes-fullvol-" + std::to_string(getpid()));
  fs::remove_all(root);
  struct RemoveAfter {
    fs::path dir;
    ~RemoveAfter() { fs::remove_all(dir); }
  } cleanup{root};  // runs after the volume is unmounted
  SmallVolume volume(root / "objects", "8m");
  ASSERT_TRUE(volume.mounted()) << "mounting a tmpfs needs root (CAP_SYS_ADMIN): "
                                << std::strerror(errno);
  Service svc("fullvol-service", "storage: file://" + (root / "objects").string() +
                                     "\nhealth: {min_free_mb: 3, min_free_percent: 0}\n");
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string boss = svc.Token("boss");

  auto ready = Call(svc.port(), "GET", "/health/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["status"], "ok") << ready.body;
  EXPECT_EQ(ready.json()["components"]["disk"]["status"], "ok") << ready.body;

  // Something else fills the volume to below 3 MiB free: degraded, still ready.
  std::ofstream(root / "objects" / "filler", std::ios::binary) << std::string(6 << 20, 'x');
  ready = Call(svc.port(), "GET", "/health/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  auto j = ready.json();
  EXPECT_EQ(j["status"], "degraded") << ready.body;
  EXPECT_EQ(j["components"]["disk"]["status"], "degraded") << ready.body;
  EXPECT_EQ(j["components"]["storage"]["status"], "degraded") << ready.body;

  // An upload larger than what is left: 507, and nothing of it stays behind.
  auto up = svc.Do("POST", "/api/v1/tasks", boss, std::string(4 << 20, 'r'), "audio/wav");
  EXPECT_EQ(up.status, 507) << up.body;
  EXPECT_EQ(up.json()["error"]["code"], "insufficient_storage") << up.body;
  int left = 0;
  for (auto& e : fs::recursive_directory_iterator(root / "objects"))
    if (e.is_regular_file() && e.path().filename() != "filler") ++left;
  EXPECT_EQ(left, 0) << "a partial upload stayed behind";
  EXPECT_EQ(svc.Do("GET", "/api/v1/tasks", boss).json()["items"].size(), 0u);
  fs::remove(root / "objects" / "filler");
  ready = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(ready.json()["status"], "ok") << ready.body;
}

}  // namespace
}  // namespace minutes
