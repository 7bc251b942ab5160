// deploy/ on this machine: the shipped nginx site (Debian's nginx, TLS with a throwaway
// certificate) in front of two real `minutes serve` instances and a worker, and the shipped
// systemd units checked by `systemd-analyze verify`. Through nginx: a 300 MB upload, task
// events arriving live, the request id handed on, the real client address logged only by the
// instance that trusts nginx, and requests still succeeding after one instance is killed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "child_process.hpp"
#include "run_command.hpp"
#include "s3_server.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << "the shipped site no longer has: " << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// A WAV of `bytes` (silence), written sparsely.
void WriteWav(const fs::path& p, uint32_t bytes) {
  std::ofstream out(p, std::ios::binary);
  auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  uint32_t data = bytes - 44;
  out << "RIFF";
  u32(36 + data);
  out << "WAVEfmt ";
  u32(16);
  u16(1);
  u16(1);
  u32(16000);
  u32(32000);
  u16(2);
  u16(16);
  out << "data";
  u32(data);
  out.close();
  fs::resize_file(p, bytes);
}

class Nginx : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-nginx-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    for (const char* d : {"body", "proxy"}) {
      fs::create_directories(dir_ / d);
      fs::permissions(dir_ / d, fs::perms::all);
    }
    RunCommand("printf correct-battery-42 | " + MinutesBinary() +
               " user add alice --tenant acme --password-stdin --admin --data-dir " +
               ShellQuote((dir_ / "data").string()));
    // Instance A trusts nginx (127.0.0.1), instance B trusts nobody.
    std::ofstream(dir_ / "trusting.yaml")
        << "server: {max_upload_mb: 500, trusted_proxies: [\"127.0.0.1/32\"]}\n";
    std::ofstream(dir_ / "plain.yaml") << "server: {max_upload_mb: 500}\n";
    for (auto [name, cfg] : {std::pair{"a", "trusting.yaml"}, {"b", "plain.yaml"}})
      api_.push_back(std::make_unique<ChildProcess>(
          MinutesBinary(),
          std::vector<std::string>{"serve", "--port", "0", "--workers", "0", "--config",
                                   (dir_ / cfg).string(), "--data-dir", (dir_ / "data").string()},
          std::map<std::string, std::string>{}, (dir_ / (std::string(name) + ".log")).string()));
    ASSERT_GT(api_[0]->port(), 0);
    ASSERT_GT(api_[1]->port(), 0);
    worker_ = std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"worker", "--data-dir", (dir_ / "data").string()},
        std::map<std::string, std::string>{}, (dir_ / "worker.log").string());
    // A throwaway certificate for the TLS server block.
    ASSERT_EQ(RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                         "-keyout " +
                         ShellQuote((dir_ / "tls.key").string()) + " -out " +
                         ShellQuote((dir_ / "tls.crt").string()))
                  .exit_code,
              0);
    http_ = FreeLoopbackPort();
    https_ = FreeLoopbackPort();
    std::string site = Slurp(SourcePath("deploy/nginx/minutes.conf"));
    site = Replace(site, "server 127.0.0.1:8001",
                   "server 127.0.0.1:" + std::to_string(api_[0]->port()));
    site = Replace(site, "server 127.0.0.1:8002",
                   "server 127.0.0.1:" + std::to_string(api_[1]->port()));
    site = Replace(site, "listen 80;", "listen 127.0.0.1:" + std::to_string(http_) + ";");
    site = Replace(site, "listen [::]:80;", "");
    site = Replace(site, "listen 443 ssl http2;",
                   "listen 127.0.0.1:" + std::to_string(https_) + " ssl http2;");
    site = Replace(site, "listen [::]:443 ssl http2;", "");
    site = Replace(site, "/etc/ssl/certs/minutes.crt", (dir_ / "tls.crt").string());
    site = Replace(site, "/etc/ssl/private/minutes.key", (dir_ / "tls.key").string());
    std::ofstream(dir_ / "minutes.conf") << site;
    std::ofstream(dir_ / "nginx.conf")
        << "pid " << (dir_ / "nginx.pid").string() << ";\nerror_log "
        << (dir_ / "error.log").string() << ";\nevents {}\nhttp {\n  access_log "
        << (dir_ / "access.log").string() << ";\n  client_body_temp_path "
        << (dir_ / "body").string() << ";\n  proxy_temp_path " << (dir_ / "proxy").string()
        << ";\n  include " << (dir_ / "minutes.conf").string() << ";\n}\n";
    auto started = RunCommand("nginx -p " + ShellQuote(dir_.string()) + " -c " +
                              ShellQuote((dir_ / "nginx.conf").string()));
    ASSERT_EQ(started.exit_code, 0) << started.output << Slurp(dir_ / "error.log");
    for (int i = 0; i < 100 && !Accepts(https_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  void TearDown() override {
    RunCommand("nginx -p " + ShellQuote(dir_.string()) + " -c " +
               ShellQuote((dir_ / "nginx.conf").string()) + " -s stop");
    api_.clear();
    worker_.reset();
    fs::remove_all(dir_);
  }
  // curl through nginx over TLS from 127.0.0.2 (so nginx's own 127.0.0.1 is told apart).
  CommandResult Curl(const std::string& args) {
    return RunCommand("curl -sk --interface 127.0.0.2 " + args);
  }
  std::string Url(const std::string& path) {
    return ShellQuote("https://127.0.0.1:" + std::to_string(https_) + path);
  }
  std::string Login() {
    auto r = Curl("-XPOST " + Url("/api/v1/auth/login") +
                  " -H 'Content-Type: application/json' -d "
                  "'{\"username\":\"alice\",\"password\":\"correct-battery-42\"}'");
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    return j.is_object() && j.contains("access_token") ? j["access_token"].get<std::string>() : "";
  }
  fs::path dir_;
  std::vector<std::unique_ptr<ChildProcess>> api_;
  std::unique_ptr<ChildProcess> worker_;
  int http_ = 0, https_ = 0;
};

TEST_F(Nginx, TheShippedSiteServesTwoInstancesAndAWorker) {
  // Plain HTTP answers health checks and redirects the rest to TLS.
  auto health = RunCommand("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" +
                           std::to_string(http_) + "/health");
  EXPECT_EQ(health.output, "200");
  auto redirect = RunCommand(
      "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "
      "http://127.0.0.1:" +
      std::to_string(http_) + "/api/v1/me");
  EXPECT_EQ(redirect.output.substr(0, 3), "301") << redirect.output;
  std::string token = Login();
  ASSERT_FALSE(token.empty());
  std::string auth = " -H " + ShellQuote("Authorization: Bearer " + token);

  // The request id nginx made is the API's, and only the trusting instance logs the real
  // client (127.0.0.2); the other logs nginx (127.0.0.1) — whatever the client claimed.
  std::set<std::string> seen_clients;
  for (int i = 0; i < 6; ++i) {
    auto r = Curl("-D - -o /dev/null -H 'X-Forwarded-For: 6.6.6.6' " + Url("/api/v1/me") + auth);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        r.output, m, std::regex("(?:x|X)-(?:r|R)equest-(?:i|I)(?:d|D): ([0-9a-f]{32})")))
        << r.output;
    std::string id = m[1];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::string a = Slurp(dir_ / "a.log"), b = Slurp(dir_ / "b.log");
    bool in_a = a.find(id) != std::string::npos, in_b = b.find(id) != std::string::npos;
    ASSERT_TRUE(in_a != in_b) << "request " << id << " logged by exactly one instance";
    const std::string& log = in_a ? a : b;
    std::string line = log.substr(log.rfind('\n', log.find(id)) + 1);
    line = line.substr(0, line.find('\n'));
    std::string client = nlohmann::json::parse(line)["client"];
    EXPECT_EQ(client, in_a ? "127.0.0.2" : "127.0.0.1") << line;
    EXPECT_EQ(line.find("6.6.6.6"), std::string::npos)
        << "a client's own X-Forwarded-For is never believed";
    seen_clients.insert(client);
  }
  EXPECT_EQ(seen_clients.size(), 2u) << "both instances served";

  // Task events arrive as they happen, not all at once at the end.
  auto up = Curl("-XPOST " + Url("/api/v1/tasks?title=through%20nginx") + auth +
                 " -H 'Content-Type: audio/wav' --data-binary @" +
                 ShellQuote((TestData("standup") / "meeting.wav").string()));
  auto task = nlohmann::json::parse(up.output, nullptr, false);
  ASSERT_TRUE(task.is_object() && task.contains("id")) << up.output;
  std::string cmd = "curl -skN --interface 127.0.0.2 " +
                    Url("/api/v1/tasks/" + task["id"].get<std::string>() + "/events") + auth;
  FILE* sse = popen(cmd.c_str(), "r");
  ASSERT_NE(sse, nullptr);
  std::vector<double> at;
  auto t0 = std::chrono::steady_clock::now();
  char line[4096];
  bool done = false;
  while (!done && std::fgets(line, sizeof line, sse)) {
    std::string l(line);
    if (l.rfind("event:", 0) == 0) {
      at.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      done = l.find("succeeded") != std::string::npos || l.find("failed") != std::string::npos ||
             l.find("done") != std::string::npos;
    }
  }
  pclose(sse);
  ASSERT_GE(at.size(), 3u);
  EXPECT_GT(at.back() - at.front(), 1.0) << "events were buffered, not streamed";

  // A 300 MB recording goes through nginx (streamed to the API, not refused) and is canceled.
  WriteWav(dir_ / "big.wav", 300u * 1024 * 1024);
  auto big =
      Curl("-XPOST " + Url("/api/v1/tasks?title=big") + auth + " -H 'Content-Type: audio/wav' -T " +
           ShellQuote((dir_ / "big.wav").string()) + " -w '\\n%{http_code}'");
  EXPECT_EQ(big.output.substr(big.output.rfind('\n') + 1), "201") << big.output.substr(0, 300);
  auto big_task =
      nlohmann::json::parse(big.output.substr(0, big.output.rfind('\n')), nullptr, false);
  if (big_task.is_object() && big_task.contains("id"))
    Curl("-XDELETE " + Url("/api/v1/tasks/" + big_task["id"].get<std::string>()) + auth);
  fs::remove(dir_ / "big.wav");

  // One instance dies: every request still succeeds through the other.
  api_[0]->Kill(SIGKILL);
  for (int i = 0; i < 8; ++i) {
    auto r = Curl("-o /dev/null -w '%{http_code}' " + Url("/api/v1/tasks") + auth);
    EXPECT_EQ(r.output, "200") << "request " << i << " after the kill";
  }
}

TEST(SystemdUnits, PassSystemdAnalyzeVerify) {
  // The units name /usr/local/bin/minutes (where deploy/install.sh puts it); here the built
  // binary stands in for it. Any warning fails the test, not only errors.
  fs::path dir = fs::temp_directory_path() / ("minutes-units-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* unit : {"minutes-api@.service", "minutes-worker.service"}) {
    std::string text = Slurp(SourcePath("deploy/systemd/" + std::string(unit)));
    ASSERT_NE(text.find("/usr/local/bin/minutes "), std::string::npos) << unit;
    text = std::regex_replace(text, std::regex("/usr/local/bin/minutes "), MinutesBinary() + " ");
    std::string name =
        unit == std::string("minutes-api@.service") ? "minutes-api@8001.service" : unit;
    std::ofstream(dir / name) << text;
  }
  auto r = RunCommand("cd " + ShellQuote(dir.string()) +
                      " && systemd-analyze verify minutes-api@8001.service minutes-worker.service");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "") << "warnings: " << r.output;
  // And it would catch a mistake.
  std::ofstream(dir / "broken.service") << "[Service]\nExecStart=/nonexistent/minutes\n";
  EXPECT_NE(
      RunCommand("cd " + ShellQuote(dir.string()) + " && systemd-analyze verify broken.service")
          .exit_code,
      0);
  fs::remove_all(dir);
}

TEST(InstallScript, LaysEverythingOutUnderARoot) {
  fs::path root = fs::temp_directory_path() / ("minutes-root-" + std::to_string(getpid()));
  fs::remove_all(root);
  auto r = RunCommand("cd " + ShellQuote(SourcePath("").string()) +
                      " && ROOT=" + ShellQuote(root.string()) +
                      " BIN=" + ShellQuote(MinutesBinary()) + " deploy/install.sh");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* p :
       {"usr/local/bin/minutes", "etc/systemd/system/minutes-api@.service",
        "etc/systemd/system/minutes-worker.service", "etc/nginx/sites-available/minutes",
        "etc/nginx/sites-enabled/minutes", "etc/minutes/minutes.yaml", "etc/minutes/minutes.env",
        "usr/local/share/minutes/web/index.html",
        "usr/local/share/minutes/node_modules/swagger-ui-dist/swagger-ui.css"})
    EXPECT_TRUE(fs::exists(root / p)) << p;
  EXPECT_EQ(fs::status(root / "etc/minutes/minutes.env").permissions() & fs::perms::others_read,
            fs::perms::none);
  // Re-running keeps an edited configuration.
  std::ofstream(root / "etc/minutes/minutes.yaml") << "# edited\n";
  ASSERT_EQ(RunCommand("cd " + ShellQuote(SourcePath("").string()) +
                       " && ROOT=" + ShellQuote(root.string()) +
                       " BIN=" + ShellQuote(MinutesBinary()) + " deploy/install.sh")
                .exit_code,
            0);
  EXPECT_EQ(Slurp(root / "etc/minutes/minutes.yaml"), "# edited\n");
  // The example configuration is one the binary accepts.
  auto shown = RunCommand("MINUTES_DB_PASSWORD=x MINUTES_JWT_SECRET=y " + MinutesBinary() +
                          " config show --config " +
                          ShellQuote(SourcePath("deploy/minutes.yaml.example").string()));
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  fs::remove_all(root);
}

}  // namespace
}  // namespace minutes
