// `minutes serve` driven over HTTP: health, login, bearer tokens and API keys, errors.
#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "run_command.hpp"
#include "server_process.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using minutes::testing::MinutesBinary;
using minutes::testing::RunCommand;
using minutes::testing::ShellQuote;

struct Reply {
  int status = 0;
  nlohmann::json json;
  std::string request_id;
};

Reply Call(int port, const std::string& method, const std::string& path,
           const std::string& body = "", const std::string& bearer = "") {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!bearer.empty()) req.set("Authorization", "Bearer " + bearer);
  req.setContentLength(static_cast<std::streamsize>(body.size()));
  if (!body.empty()) req.setContentType("application/json");
  s.sendRequest(req) << body;
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  Reply r;
  r.status = res.getStatus();
  r.json = nlohmann::json::parse(text, nullptr, false);
  r.request_id = res.get("X-Request-ID", "");
  return r;
}

class Serve : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-serve-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    std::string d = " --data-dir " + ShellQuote(dir_.string());
    ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() +
                         " user add alice --tenant acme --password-stdin" + d)
                  .exit_code,
              0);
    server_ = std::make_unique<minutes::testing::ServerProcess>(
        MinutesBinary(), std::vector<std::string>{"--data-dir", dir_.string()});
    ASSERT_GT(server_->port(), 0) << "server did not start";
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<minutes::testing::ServerProcess> server_;
};

TEST_F(Serve, HealthAndReadiness) {
  auto h = Call(server_->port(), "GET", "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json["status"], "ok");
  auto r = Call(server_->port(), "GET", "/health/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["components"]["database"]["status"], "ok");
}

TEST_F(Serve, LoginIssuesABearerTokenThatAuthenticates) {
  int p = server_->port();
  auto bad = Call(p, "POST", "/api/v1/auth/login", R"({"username":"alice","password":"no"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json["error"]["code"], "unauthorized");
  EXPECT_EQ(bad.json["error"]["request_id"], bad.request_id);
  auto ok = Call(p, "POST", "/api/v1/auth/login",
                 R"({"username":"alice","password":"correct-battery-42"})");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json["token_type"], "bearer");
  EXPECT_EQ(ok.json["expires_in"], 3600);
  auto me = Call(p, "GET", "/api/v1/me", "", ok.json["access_token"]);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json["username"], "alice");
  EXPECT_EQ(Call(p, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Call(p, "GET", "/api/v1/me", "", "not-a-token").status, 401);
}

TEST_F(Serve, ApiKeysAuthenticateWhileTheServerRuns) {
  auto key =
      RunCommand(MinutesBinary() + " apikey create alice --data-dir " + ShellQuote(dir_.string()));
  ASSERT_EQ(key.exit_code, 0);
  auto at = key.output.find("mk_");
  ASSERT_NE(at, std::string::npos) << key.output;
  std::string k = key.output.substr(at, 43);
  auto me = Call(server_->port(), "GET", "/api/v1/me", "", k);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json["username"], "alice");
}

TEST_F(Serve, BadRequestsGetClearErrors) {
  int p = server_->port();
  auto bad_json = Call(p, "POST", "/api/v1/auth/login", "{nope");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.json["error"]["message"], "invalid JSON body");
  auto missing = Call(p, "POST", "/api/v1/auth/login", R"({"username":"alice"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(Call(p, "GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(Call(p, "DELETE", "/health").status, 405);
}

TEST_F(Serve, StopsCleanlyOnSigterm) { EXPECT_EQ(server_->Stop(), 0); }

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

struct Fetched {
  int status = 0;
  std::string body;
  Poco::Net::HTTPResponse head;
};

Fetched Get(int port, const std::string& path, bool gzip) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (gzip) req.set("Accept-Encoding", "gzip, deflate");
  s.sendRequest(req);
  Fetched f;
  std::istream& in = s.receiveResponse(f.head);
  f.status = f.head.getStatus();
  f.body.assign(std::istreambuf_iterator<char>(in), {});
  return f;
}

// The page links content-hashed assets, kept a year; gzip goes to clients that ask, and
// unzips to exactly the plain file; nothing but those names reaches the disk.
TEST_F(Serve, WebAssetsAreHashedCachedAndGzipped) {
  int p = server_->port();
  auto page = Get(p, "/", false);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.head.get("Cache-Control", ""), "no-cache");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("/app/(app\\.[0-9a-f]+\\.js)")))
      << page.body;
  std::string js = m[1];
  auto plain = Get(p, "/app/" + js, false);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.head.get("Content-Encoding", ""), "");
  EXPECT_EQ(plain.head.get("Cache-Control", ""), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.head.get("Vary", ""), "Accept-Encoding");
  auto zipped = Get(p, "/app/" + js, true);
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.head.get("Content-Encoding", ""), "gzip");
  EXPECT_LT(zipped.body.size(), plain.body.size() / 2);
  std::istringstream zin(zipped.body);
  Poco::InflatingInputStream inflate(zin, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::string unzipped((std::istreambuf_iterator<char>(inflate)), {});
  EXPECT_EQ(unzipped, plain.body);
  for (std::string bad : {"/app/..%2fminutes.db", "/app/app.js.gz", "/app/app.zzzz.js",
                          "/app/index.html.gz", "/app/.%2e%2fjwt-secret"})
    EXPECT_EQ(Get(p, bad, true).status, 404) << bad;
}

// /metrics shows the edge as it is now: open connections, event streams, handler queue.
TEST_F(Serve, MetricsShowTheEdge) {
  auto m = Get(server_->port(), "/metrics", false);
  ASSERT_EQ(m.status, 200);
  for (const char* what : {"connections", "event_streams", "handlers_alive", "handler_queue",
                           "refused_connections", "blocking_threads", "blocking_calls"})
    EXPECT_NE(m.body.find("minutes_http_edge{what=\"" + std::string(what) + "\"}"),
              std::string::npos)
        << what;
  // This scrape's own connection is open while it is rendered.
  EXPECT_NE(m.body.find("minutes_http_edge{what=\"connections\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace minutes
