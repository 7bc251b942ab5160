// The admin side over HTTP: users, the audit log with request ids, usage and cost from the
// price table, and webhooks delivered (signed, retried) to a real HTTP receiver.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <fstream>
#include <mutex>

#include "child_process.hpp"
#include "http_client.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

// A webhook receiver: records each delivery, answers with the scripted statuses in turn.
struct Receiver {
  struct Delivery {
    std::map<std::string, std::string> headers;
    std::string body;
  };
  std::mutex mu;
  std::vector<Delivery> got;
  std::vector<int> script;  // statuses to answer, then 200
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(Receiver& r) : r_(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& in,
                       Poco::Net::HTTPServerResponse& out) override {
      Delivery d;
      for (auto& [k, v] : in) d.headers[k] = v;
      d.body.assign(std::istreambuf_iterator<char>(in.stream()), {});
      int status = 200;
      {
        std::lock_guard lock(r_.mu);
        if (r_.got.size() < r_.script.size()) status = r_.script[r_.got.size()];
        r_.got.push_back(d);
      }
      out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      out.setContentLength(0);
      out.send();
    }

   private:
    Receiver& r_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(Receiver& r) : r_(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(r_);
    }

   private:
    Receiver& r_;
  };
  Poco::Net::ServerSocket socket{Poco::Net::SocketAddress("127.0.0.1", 0)};
  Poco::Net::HTTPServer server{new Factory(*this), socket, new Poco::Net::HTTPServerParams};
  Receiver() { server.start(); }
  ~Receiver() { server.stop(); }
  int port() { return socket.address().port(); }
  size_t count() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

std::string Hmac(const std::string& key, const std::string& msg) {
  unsigned char mac[64];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  char hex[3];
  std::string out = "sha256=";
  for (unsigned i = 0; i < len; ++i) std::snprintf(hex, sizeof hex, "%02x", mac[i]), out += hex;
  return out;
}

class AdminApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-admin-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string config = (dir_ / "minutes.yaml").string();
    std::ofstream(config) << "data_dir: " << (dir_ / "data").string() << "\n"
                          << "prices:\n  pocketsphinx.audio_minute: 0.5\n"
                          << "webhooks:\n  max_attempts: 4\n"
                          << "  allow_private_networks: true\n";  // the receiver is on loopback
    for (auto [user, tenant, admin] :
         {std::tuple{"boss", "acme", true}, std::tuple{"alice", "acme", false},
          std::tuple{"mallory", "evil", true}})
      ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
                           " --tenant " + tenant + " --password-stdin --config " + config +
                           (admin ? " --admin" : ""))
                    .exit_code,
                0);
    serve_ = std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"serve", "--config", config, "--port", "0"},
        std::map<std::string, std::string>{}, (dir_ / "serve.err").string());
    ASSERT_GT(serve_->port(), 0);
    boss_ = Token("boss");
    alice_ = Token("alice");
    mallory_ = Token("mallory");
  }
  void TearDown() override {
    serve_.reset();
    fs::remove_all(dir_);
  }
  std::string Token(const std::string& user) {
    return Call(serve_->port(), "POST", "/api/v1/auth/login",
                R"({"username":")" + user + R"(","password":"correct-battery-42"})")
        .json()
        .value("access_token", "");
  }
  Reply Do(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    return Call(serve_->port(), method, path, body, token, "application/json", headers);
  }
  fs::path dir_;
  std::unique_ptr<ChildProcess> serve_;
  std::string boss_, alice_, mallory_;
};

TEST_F(AdminApi, UsersAreManagedByAdminsOfTheirOwnTenant) {
  for (auto path : {"/api/v1/users", "/api/v1/audit-logs", "/api/v1/usage", "/api/v1/webhooks"})
    EXPECT_EQ(Do("GET", path, alice_).status, 403) << path;
  auto users = Do("GET", "/api/v1/users", boss_).json()["items"];
  ASSERT_EQ(users.size(), 2u);  // boss and alice, not mallory
  auto made = Do("POST", "/api/v1/users", boss_,
                 R"({"username":"carol","password":"correct-battery-44","role":"member"})");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string carol = made.json()["id"];
  EXPECT_EQ(
      Do("POST", "/api/v1/users", boss_, R"({"username":"carol","password":"correct-battery-45"})")
          .status,
      409);
  EXPECT_EQ(Do("POST", "/api/v1/users", boss_, R"({"username":"dan","password":"x","role":"god"})")
                .status,
            400);
  EXPECT_EQ(Call(serve_->port(), "POST", "/api/v1/auth/login",
                 R"({"username":"carol","password":"correct-battery-44"})")
                .status,
            200);
  EXPECT_EQ(Do("PATCH", "/api/v1/users/" + carol, boss_, R"({"disabled":true})").status, 200);
  EXPECT_EQ(Call(serve_->port(), "POST", "/api/v1/auth/login",
                 R"({"username":"carol","password":"correct-battery-44"})")
                .status,
            401);
  auto promoted =
      Do("PATCH", "/api/v1/users/" + carol, boss_, R"({"disabled":false,"role":"admin"})");
  EXPECT_EQ(promoted.json()["role"], "admin");
  std::string boss_id = Do("GET", "/api/v1/me", boss_).json()["id"];
  EXPECT_EQ(Do("PATCH", "/api/v1/users/" + boss_id, boss_, R"({"disabled":true})").status, 400);
  EXPECT_EQ(Do("PATCH", "/api/v1/users/" + carol, mallory_, R"({"disabled":true})").status, 404);
  EXPECT_EQ(Do("PATCH", "/api/v1/users/" + carol, alice_, R"({"disabled":true})").status, 403);
}

TEST_F(AdminApi, AuditUsageAndSignedRetriedWebhooks) {
  Receiver hook;
  hook.script = {500, 503};  // two failures, then success
  auto created = Do("POST", "/api/v1/webhooks", boss_,
                    R"({"url":"http://127.0.0.1:)" + std::to_string(hook.port()) +
                        R"(/hook","events":["task.succeeded"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = created.json()["secret"];
  EXPECT_EQ(Do("POST", "/api/v1/webhooks", boss_, R"({"url":"ftp://x"})").status, 400);
  EXPECT_EQ(Do("GET", "/api/v1/webhooks", mallory_).json()["items"].size(), 0u);
  EXPECT_EQ(
      Do("DELETE", "/api/v1/webhooks/" + created.json()["id"].get<std::string>(), mallory_).status,
      404);

  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto up = Call(serve_->port(), "POST", "/api/v1/tasks?title=costed", wav, alice_, "audio/wav",
                 {{"X-Request-ID", "req-upload-42"}});
  ASSERT_EQ(up.status, 201);
  std::string id = up.json()["id"];
  nlohmann::json t = nlohmann::json::object();
  for (int i = 0; i < 600 && t.value("state", "") != "succeeded"; ++i) {
    t = Do("GET", "/api/v1/tasks/" + id, alice_).json();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(t["state"], "succeeded");

  // The audit log has the upload under the request id the client sent.
  auto log = Do("GET", "/api/v1/audit-logs?request_id=req-upload-42", boss_).json();
  ASSERT_EQ(log["items"].size(), 1u) << log.dump();
  EXPECT_EQ(log["items"][0]["action"], "task.create");
  EXPECT_EQ(log["items"][0]["username"], "alice");
  EXPECT_EQ(log["items"][0]["target"], id);
  EXPECT_EQ(Do("GET", "/api/v1/audit-logs?request_id=req-upload-42", mallory_).json()["total"], 0);
  EXPECT_EQ(Do("GET", "/api/v1/audit-logs?from=yesterday", boss_).status, 400);

  // Usage: the recording's minutes at 0.5 per minute.
  double duration = t["duration"];
  auto usage = Do("GET", "/api/v1/usage?group_by=user", boss_).json();
  ASSERT_EQ(usage["items"].size(), 1u) << usage.dump();
  EXPECT_EQ(usage["items"][0]["key"], "alice");
  EXPECT_EQ(usage["items"][0]["tasks"], 1);
  EXPECT_NEAR(usage["items"][0]["audio_seconds"].get<double>(), duration, 0.01);
  EXPECT_NEAR(usage["totals"]["cost"].get<double>(), duration / 60 * 0.5, 1e-6);
  auto by_day = Do("GET", "/api/v1/usage?group_by=day", boss_).json();
  EXPECT_EQ(by_day["items"][0]["key"].get<std::string>().size(), 10u);
  EXPECT_EQ(Do("GET", "/api/v1/usage?group_by=week", boss_).status, 400);
  EXPECT_TRUE(Do("GET", "/api/v1/usage", mallory_).json()["items"].empty());

  // The webhook: two refused deliveries, then one accepted (backoff 4 s + 8 s).
  for (int i = 0; i < 200 && hook.count() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(hook.count(), 3u);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(hook.count(), 3u);  // none after the success
  for (auto& d : hook.got) {
    EXPECT_EQ(d.headers["X-Minutes-Event"], "task.succeeded");
    EXPECT_EQ(d.headers["X-Minutes-Signature"],
              Hmac(secret, d.headers["X-Minutes-Timestamp"] + "." + d.body));
    auto j = nlohmann::json::parse(d.body);
    EXPECT_EQ(j["task"]["id"], id);
    EXPECT_EQ(j["task"]["state"], "succeeded");
  }
  EXPECT_EQ(hook.got[0].headers["X-Minutes-Delivery"], hook.got[2].headers["X-Minutes-Delivery"]);
}

}  // namespace
}  // namespace minutes
