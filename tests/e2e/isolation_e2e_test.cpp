// The tenant-isolation matrix: for every route in /openapi.json that names an object, an admin
// of another tenant gets 404 on the first tenant's object — and changes nothing. Lists never
// show another tenant's objects. A new route without a fixture below fails the test.
#include <gtest/gtest.h>

#include <fstream>

#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

TEST(TenantIsolation, EveryRouteHidesAnotherTenantsObjects) {
  setenv("MINUTES_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true", 1);  // a webhook on loopback
  TestService svc("isolation",
                  {{"alice", "acme", true}, {"bob", "acme", false}, {"mallory", "evil", true}},
                  {"--workers", "1"});
  ASSERT_GT(svc.port(), 0);
  int p = svc.port();
  std::string alice = svc.Token("alice"), mallory = svc.Token("mallory");
  // The first tenant's objects.
  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  std::string task =
      Call(p, "POST", "/api/v1/tasks?title=secret", wav, alice, "audio/wav").json()["id"];
  ASSERT_EQ(svc.WaitDone(task, alice)["state"], "succeeded");
  ASSERT_EQ(Call(p, "PUT", "/api/v1/templates/acme-only", R"({"body":"# acme\n"})", alice).status,
            201);
  std::string set =
      Call(p, "POST", "/api/v1/hotword-sets", R"({"name":"acme","words":["x"]})", alice)
          .json()["id"];
  std::string hook =
      Call(p, "POST", "/api/v1/webhooks", R"({"url":"http://127.0.0.1:9/x"})", alice).json()["id"];
  std::string upload = Call(p, "POST", "/api/v1/uploads",
                            R"({"filename":"a.wav","size":10,"content_type":"audio/wav"})", alice)
                           .json()["id"];
  std::string bob;
  auto users = Call(p, "GET", "/api/v1/users", "", alice).json();
  for (auto& u : users["items"])
    if (u["username"] == "bob") bob = u["id"];
  ASSERT_FALSE(bob.empty()) << users.dump();
  const std::map<std::string, std::string> kObject = {
      {"/api/v1/tasks/", task},       {"/api/v1/templates/", "acme-only"},
      {"/api/v1/hotword-sets/", set}, {"/api/v1/webhooks/", hook},
      {"/api/v1/users/", bob},        {"/api/v1/uploads/", upload}};
  const std::map<std::string, std::string> kBody = {
      {"PUT /api/v1/tasks/{id}/speakers", R"({"S1":"Eve"})"},
      {"POST /api/v1/tasks/{id}/minutes", R"({"template":"brief"})"},
      {"PUT /api/v1/hotword-sets/{id}", R"({"name":"x","words":["y"]})"},
      {"PATCH /api/v1/users/{id}", R"({"disabled":true})"}};
  auto doc = Call(p, "GET", "/openapi.json").json();
  ASSERT_TRUE(doc.contains("paths"));
  int checked = 0;
  std::vector<std::pair<std::string, std::string>> deletes;
  for (auto& [path, ops] : doc["paths"].items()) {
    if (path.rfind("/api/v1/", 0) != 0) continue;
    size_t brace = path.find('{');
    for (auto& [lower, op] : ops.items()) {
      std::string method = lower;
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      if (brace == std::string::npos) {
        // A list: nothing of the first tenant in it.
        if (method != "GET") continue;
        auto r = Call(p, "GET", path, "", mallory);
        EXPECT_EQ(r.status, 200) << path;
        for (auto& [prefix, id] : kObject)
          EXPECT_EQ(r.body.find(id), std::string::npos) << path << " shows " << id;
        ++checked;
        continue;
      }
      std::string prefix = path.substr(0, brace), rest = path.substr(path.find('}', brace) + 1);
      ASSERT_TRUE(kObject.count(prefix)) << "no isolation fixture for " << path;
      std::string url = prefix + kObject.at(prefix) + rest;
      if (method == "DELETE") {
        deletes.push_back({url, path});  // last, so the other checks still find the objects
        continue;
      }
      std::string key = method + " " + path;
      std::string body = kBody.count(key) ? kBody.at(key) : "{}";
      if (key == "PUT /api/v1/templates/{name}") {
        // Template names are per tenant: this writes mallory's own "acme-only", not alice's.
        EXPECT_EQ(Call(p, method, url, R"({"body":"# evil\n"})", mallory).status, 201);
        ++checked;
        continue;
      }
      if (key == "PUT /api/v1/uploads/{id}/parts/{n}") {
        // Authorized by the token in the part URL, not by a login: without it, the same 403
        // for alice's upload as for one that does not exist.
        auto r = Call(p, method, url.replace(url.find("{n}"), 3, "1"), "x", mallory);
        auto none = Call(p, method, "/api/v1/uploads/0000/parts/1", "x", mallory);
        EXPECT_EQ(r.status, 403) << r.body;
        EXPECT_EQ(r.json()["error"]["message"], none.json()["error"]["message"]);
        ++checked;
        continue;
      }
      auto r = Call(p, method, url, method == "GET" ? "" : body, mallory);
      EXPECT_EQ(r.status, 404) << key << " -> " << r.status << " " << r.body.substr(0, 200);
      ++checked;
    }
  }
  for (auto& [url, path] : deletes) {
    if (path == "/api/v1/templates/{name}") continue;  // mallory's own copy exists now
    EXPECT_EQ(Call(p, "DELETE", url, "", mallory).status, 404) << "DELETE " << path;
    ++checked;
  }
  EXPECT_GE(checked, 20);  // guards against the enumeration silently finding nothing
  // Nothing of alice's changed.
  auto t = Call(p, "GET", "/api/v1/tasks/" + task, "", alice).json();
  EXPECT_EQ(t["state"], "succeeded");
  EXPECT_EQ(Call(p, "GET", "/api/v1/tasks/" + task + "/transcript?format=txt", "", alice)
                .body.find("Eve"),
            std::string::npos);
  EXPECT_EQ(Call(p, "GET", "/api/v1/tasks/" + task + "/minutes/versions", "", alice)
                .json()["items"]
                .size(),
            1u);
  auto tmpl = Call(p, "GET", "/api/v1/templates/acme-only", "", alice).json();
  EXPECT_EQ(tmpl["version"], 1);
  EXPECT_NE(tmpl["body"].get<std::string>().find("acme"), std::string::npos);
  EXPECT_EQ(Call(p, "GET", "/api/v1/hotword-sets/" + set, "", alice).json()["name"], "acme");
  EXPECT_EQ(Call(p, "GET", "/api/v1/webhooks", "", alice).json()["items"].size(), 1u);
  EXPECT_EQ(
      Call(p, "POST", "/api/v1/auth/login", R"({"username":"bob","password":"correct-battery-42"})")
          .status,
      200);
  EXPECT_EQ(Call(p, "GET", "/api/v1/tasks/" + task + "/audio", "", alice).body, wav);
}

}  // namespace
}  // namespace minutes
