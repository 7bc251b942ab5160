// The routes through the router, in process (RegisterRoutes + DispatchRequest, as `minutes
// serve` and `minutes lambda` run them) on SQLite in memory and a file store in a temporary
// directory: the requests api_router_fuzz found answered with a 5xx, each kept here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "api/authenticator.hpp"
#include "api/dispatch.hpp"
#include "api/openapi.hpp"
#include "auth/accounts.hpp"
#include "contract/answer_check.hpp"
#include "db/migrator.hpp"
#include "queue/job_queue.hpp"
#include "run_command.hpp"
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

// /openapi.json is generated from the contracts routes declare beside their handlers.
TEST_F(Routes, TheDescriptionIsGeneratedFromTheRoutesContracts) {
  nlohmann::json doc = OpenApiDocument(router_);
  EXPECT_FALSE(doc.contains("x-undocumented")) << doc["x-undocumented"].dump();
  ASSERT_TRUE(doc["servers"].is_array());
  std::set<std::string> ids;
  int declared = 0;
  for (const auto& info : router_.Routes()) {
    if (info.contract.is_null()) continue;
    ++declared;
    std::string method = info.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& op = doc["paths"][info.pattern][method];
    std::string id = op.value("operationId", "");
    EXPECT_FALSE(id.empty()) << info.method << " " << info.pattern;
    EXPECT_TRUE(ids.insert(id).second) << "operationId " << id << " twice";
    // Who may call it is always said: public routes with an empty security list.
    ASSERT_TRUE(op.contains("security")) << id;
    EXPECT_EQ(op["security"].empty(), !info.auth) << id;
    if (info.auth) {
      EXPECT_TRUE(op["responses"].contains("401")) << id;
    }
  }
  EXPECT_EQ(declared, static_cast<int>(router_.Routes().size()));  // every route
  // Every reference names a component that exists.
  std::function<void(const nlohmann::json&)> refs = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        std::string ref = j["$ref"];
        ASSERT_EQ(ref.rfind("#/components/schemas/", 0), 0u) << ref;
        EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(21))) << ref;
      }
      for (const auto& [k, v] : j.items()) refs(v);
    } else if (j.is_array()) {
      for (const auto& v : j) refs(v);
    }
  };
  refs(doc);
}

// Redocly's recommended rules, as a team generating a client would run them: no error and no
// warning (each one is something a generator or a validating proxy trips over).
TEST_F(Routes, TheDescriptionPassesRedoclysRecommendedLint) {
  fs::create_directories(dir_);
  const fs::path file = dir_ / "openapi.json";
  std::ofstream(file) << OpenApiDocument(router_).dump(2);
  const std::string redocly =
      std::string(MINUTES_SOURCE_DIR) + "/tests/tools/node_modules/.bin/redocly";
  ASSERT_TRUE(fs::exists(redocly)) << "scripts/setup.sh installs it (tests/tools)";
  // No telemetry or update check: tests talk to nothing outside the machine. The findings as
  // JSON on stdout; Node's notices on stderr are left out.
  auto lint = testing::RunCommand("{ REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true " +
                                  testing::ShellQuote(redocly) +
                                  " lint --extends=recommended --format=json " +
                                  testing::ShellQuote(file.string()) + " 2>/dev/null; }");
  auto report = nlohmann::json::parse(lint.output, nullptr, false);
  ASSERT_TRUE(report.is_object()) << lint.output;
  EXPECT_EQ(report["totals"]["errors"], 0) << report["problems"].dump(2);
  EXPECT_EQ(report["totals"]["warnings"], 0) << report["problems"].dump(2);
  EXPECT_EQ(lint.exit_code, 0);
}

// The web app's client is typed from web/openapi.json (its build type-checks the app against
// it): that copy must be the description the code generates, or the app would be checked
// against a contract the service no longer has.
TEST_F(Routes, TheWebAppsCopyOfTheDescriptionIsCurrent) {
  std::ifstream in(std::string(MINUTES_SOURCE_DIR) + "/web/openapi.json");
  ASSERT_TRUE(in) << "web/openapi.json is missing";
  auto copy = nlohmann::json::parse(in, nullptr, false);
  EXPECT_TRUE(copy == DescribeApi())
      << "web/openapi.json is not what the routes declare: run `minutes openapi --out "
         "web/openapi.json` and rebuild the web app (npm run --prefix web build)";
  EXPECT_TRUE(copy == OpenApiDocument(router_)) << "the description depends on the configuration";
}

// The answers of the declared routes are what their contract says, checked as a validating
// proxy would (valijson); the checker itself refuses a field the contract does not name.
TEST_F(Routes, HotwordAnswersMatchTheirContract) {
  nlohmann::json doc = OpenApiDocument(router_);
  auto check = [&](const std::string& method, const std::string& pattern, const Response& res) {
    auto errors =
        testing::CheckAnswer(doc, method, pattern, res.status, res.content_type, res.body);
    for (const auto& e : errors) ADD_FAILURE() << e << "\n  body: " << res.body;
  };
  Response made =
      Send("POST", "/api/v1/hotword-sets",
           R"({"name":"people","words":["Alice Chen",{"word":"Kubernetes","weight":4}]})");
  ASSERT_EQ(made.status, 201) << made.body;
  check("POST", "/api/v1/hotword-sets", made);
  std::string id = nlohmann::json::parse(made.body)["id"];
  check("GET", "/api/v1/hotword-sets", Send("GET", "/api/v1/hotword-sets", ""));
  Response one = Send("GET", "/api/v1/hotword-sets/" + id, "");
  check("GET", "/api/v1/hotword-sets/{id}", one);
  EXPECT_TRUE(nlohmann::json::parse(one.body)["words"][0]["weight"].is_null()) << one.body;
  check("PUT", "/api/v1/hotword-sets/{id}",
        Send("PUT", "/api/v1/hotword-sets/" + id, R"({"name":"names","words":["Bob"]})"));
  Response bad = Send("POST", "/api/v1/hotword-sets", R"({"name":"x","words":[]})");
  EXPECT_EQ(bad.status, 400);
  check("POST", "/api/v1/hotword-sets", bad);
  Response taken = Send("POST", "/api/v1/hotword-sets", R"({"name":"names","words":["x"]})");
  EXPECT_EQ(taken.status, 409);
  check("POST", "/api/v1/hotword-sets", taken);
  Response gone = Send("DELETE", "/api/v1/hotword-sets/" + id, "");
  EXPECT_EQ(gone.status, 204);
  check("DELETE", "/api/v1/hotword-sets/{id}", gone);
  check("GET", "/api/v1/hotword-sets/{id}", Send("GET", "/api/v1/hotword-sets/" + id, ""));
  check("GET", "/health", Send("GET", "/health", ""));
  check("GET", "/health/ready", Send("GET", "/health/ready", ""));
  check("GET", "/metrics", Send("GET", "/metrics", ""));

  // A drift is caught: an extra field, a field of another type, an undeclared status.
  Response extra = one;
  auto j = nlohmann::json::parse(one.body);
  j["colour"] = "red";
  extra.body = j.dump();
  EXPECT_FALSE(testing::CheckAnswer(doc, "GET", "/api/v1/hotword-sets/{id}", 200,
                                    "application/json", extra.body)
                   .empty());
  j.erase("colour");
  j["words"][0]["weight"] = "heavy";
  EXPECT_FALSE(testing::CheckAnswer(doc, "GET", "/api/v1/hotword-sets/{id}", 200,
                                    "application/json", j.dump())
                   .empty());
  EXPECT_FALSE(
      testing::CheckAnswer(doc, "GET", "/api/v1/hotword-sets/{id}", 418, "application/json", "{}")
          .empty());
}

}  // namespace
}  // namespace minutes
