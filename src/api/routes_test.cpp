// The routes through the router, in process (RegisterRoutes + DispatchRequest, as `minutes
// serve` and `minutes lambda` run them) on SQLite in memory and a file store in a temporary
// directory: the requests api_router_fuzz found answered with a 5xx, each kept here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "api/authenticator.hpp"
#include "api/dispatch.hpp"
#include "auth/accounts.hpp"
#include "db/migrator.hpp"
#include "queue/job_queue.hpp"
#include "storage/object_store.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

class Routes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-routes-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    config_.data_dir = dir_.string();
    config_.storage = "file://" + (dir_ / "objects").string();
    db_ = std::move(*OpenDatabase("sqlite://:memory:"));
    ASSERT_TRUE(Migrate(*db_).ok());
    store_ = std::move(*OpenObjectStore(config_.storage));
    queue_ = std::move(*OpenJobQueue("database", *db_));
    jwt_ = std::make_unique<JwtIssuer>(*JwtIssuer::Make(std::string(32, 's'), 3600));
    AccountOptions options;
    options.hash = PasswordParams{1, 8, 1};
    accounts_ = std::make_unique<Accounts>(*db_, options);
    ASSERT_TRUE(accounts_->AddUser("alice", "acme", "correct-battery-42", true).ok());
    ctx_ = std::make_unique<ServiceContext>(ServiceContext{
        *db_, *accounts_, *jwt_, *store_, config_, 1 << 20, queue_.get(), nullptr, 8192, nullptr});
    RegisterRoutes(router_, *ctx_);
    auth_ = std::move(*Authenticator::Make(config_, *db_, *accounts_, *jwt_));
    auto alice = accounts_->Login("alice", "correct-battery-42");
    ASSERT_TRUE(alice.ok());
    token_ = jwt_->Issue(
        {alice->id, alice->tenant_id, alice->username, alice->role, 0, alice->token_generation},
        UnixNow());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // One request as alice (an admin); `path` already decoded, as the edge passes it.
  Response Send(const std::string& method, const std::string& path, const std::string& body,
                const std::string& content_type = "application/json") {
    Request req;
    req.method = method;
    req.path = path;
    req.request_id = "r1";
    std::map<std::string, std::string> headers = {{"authorization", "Bearer " + token_},
                                                  {"content-type", content_type}};
    req.header = [headers](const std::string& name) {
      std::string key;
      for (char c : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = headers.find(key);
      return it == headers.end() ? std::string() : it->second;
    };
    std::istringstream in(body);
    req.body = &in;
    Response res;
    DispatchRequest(router_, *auth_, req, res);
    return res;
  }

  static std::string Code(const Response& res) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "";
    return j["error"].value("code", "");
  }

  fs::path dir_;
  Config config_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<JobQueue> queue_;
  std::unique_ptr<JwtIssuer> jwt_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<ServiceContext> ctx_;
  Router router_;
  std::unique_ptr<Authenticator> auth_;
  std::string token_;
};

// A field of another type than the route reads was read with json::value(), which throws:
// 500 instead of 400 (tests/fuzz/api_router_fuzz/regress-*-not-a-string).
TEST_F(Routes, RefusesFieldsOfTheWrongTypeWith4xx) {
  Response user = Send("POST", "/api/v1/users",
                       R"({"username":"erin","password":"long-enough-pass-7","role":7})");
  EXPECT_EQ(user.status, 400) << user.body;
  EXPECT_EQ(Code(user), "bad_request");
  Response hook = Send("POST", "/api/v1/webhooks",
                       R"({"url":"https://93.184.216.34/in","secret":["0123456789abcdef"]})");
  EXPECT_EQ(hook.status, 400) << hook.body;
  Response upload =
      Send("POST", "/api/v1/uploads", R"({"filename":"a.wav","size":100,"content_type":{}})");
  EXPECT_EQ(upload.status, 415) << upload.body;
  // The same fields as strings still work.
  EXPECT_EQ(Send("POST", "/api/v1/users",
                 R"({"username":"erin","password":"long-enough-pass-7","role":"member"})")
                .status,
            201);
}

// A path with a byte that is not UTF-8 (%F9 in the request) was repeated in the 404's message,
// whose JSON could not be written: 500 (tests/fuzz/api_router_fuzz/regress-path-not-utf8).
TEST_F(Routes, AnswersPathsThatAreNotUtf8WithA404) {
  Response res = Send("GET", "/api/v1/tasks/4\xf9/minutes/versions", "");
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(Code(res), "not_found");
}

}  // namespace
}  // namespace minutes
