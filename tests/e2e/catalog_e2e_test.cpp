// Templates and hotword sets over HTTP: CRUD, versions, validation, roles and tenants.
#include <gtest/gtest.h>

#include <fstream>

#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

class Catalog : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    svc_ = new TestService(
        "catalog", {{"boss", "acme", true}, {"alice", "acme", false}, {"mallory", "evil", true}},
        {"--workers", "0"});
    ASSERT_GT(svc_->port(), 0);
    boss_ = svc_->Token("boss");
    alice_ = svc_->Token("alice");
    mallory_ = svc_->Token("mallory");
  }
  static void TearDownTestSuite() { delete svc_; }
  Reply Do(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body = "") {
    return Call(svc_->port(), method, path, body, token);
  }
  static TestService* svc_;
  static std::string boss_, alice_, mallory_;
};
TestService* Catalog::svc_ = nullptr;
std::string Catalog::boss_, Catalog::alice_, Catalog::mallory_;

TEST_F(Catalog, TemplatesAreVersionedValidatedAndScoped) {
  auto list = Do("GET", "/api/v1/templates", alice_).json();
  size_t builtins = list["items"].size();
  EXPECT_GE(builtins, 3u);
  auto put1 = Do("PUT", "/api/v1/templates/team", alice_, R"({"body":"# {{title}}\nv1\n"})");
  EXPECT_EQ(put1.status, 201) << put1.body;
  EXPECT_EQ(put1.json()["version"], 1);
  auto put2 = Do("PUT", "/api/v1/templates/team", alice_, R"({"body":"# {{title}}\nv2\n"})");
  EXPECT_EQ(put2.status, 200);
  EXPECT_EQ(put2.json()["version"], 2);
  auto got = Do("GET", "/api/v1/templates/team", alice_).json();
  EXPECT_EQ(got["version"], 2);
  EXPECT_NE(got["body"].get<std::string>().find("v2"), std::string::npos);
  EXPECT_EQ(got["versions"].size(), 2u);
  EXPECT_NE(Do("GET", "/api/v1/templates/team?version=1", alice_)
                .json()["body"]
                .get<std::string>()
                .find("v1"),
            std::string::npos);
  EXPECT_EQ(Do("GET", "/api/v1/templates/team?version=7", alice_).status, 404);
  EXPECT_EQ(Do("GET", "/api/v1/templates", alice_).json()["items"].size(), builtins + 1);
  // Built-ins are readable, not deletable.
  EXPECT_EQ(Do("GET", "/api/v1/templates/default", alice_).json()["builtin"], true);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/default", boss_).status, 400);
  // Validation: syntax errors name the line; names are restricted.
  auto bad = Do("PUT", "/api/v1/templates/broken", alice_, R"({"body":"ok\n{{#open}}\n"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("line"), std::string::npos) << bad.body;
  EXPECT_EQ(Do("PUT", "/api/v1/templates/Bad%20Name", alice_, R"({"body":"x"})").status, 400);
  EXPECT_EQ(Do("PUT", "/api/v1/templates/x", alice_, R"({"text":"x"})").status, 400);
  EXPECT_EQ(Do("PUT", "/api/v1/templates/x", alice_, "not json").status, 400);
  // Another tenant sees nothing of it.
  EXPECT_EQ(Do("GET", "/api/v1/templates/team", mallory_).status, 404);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/team", mallory_).status, 404);
  EXPECT_EQ(Do("GET", "/api/v1/templates", mallory_).json()["items"].size(), builtins);
  // Members delete their own templates; the tenant's (an admin's) only admins delete.
  ASSERT_EQ(Do("PUT", "/api/v1/templates/board", boss_, R"({"body":"{{title}}"})").status, 201);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/board", alice_).status, 403);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/board", boss_).status, 204);
  EXPECT_EQ(Do("DELETE", "/api/v1/templates/team", alice_).status, 204);
  EXPECT_EQ(Do("GET", "/api/v1/templates/team", alice_).status, 404);
}

TEST_F(Catalog, HotwordSetsValidateMergeAndStayInTheirTenant) {
  auto created = Do("POST", "/api/v1/hotword-sets", alice_,
                    R"({"name":"Product","words":["Minutes", {"word":"PocketSphinx","weight":2.5},
                        {"word":"Minutes","weight":1}]})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"];
  auto got = Do("GET", "/api/v1/hotword-sets/" + id, alice_).json();
  ASSERT_EQ(got["words"].size(), 2u);  // the duplicate merged, keeping its weight
  EXPECT_EQ(got["words"][0]["word"], "Minutes");
  EXPECT_EQ(got["words"][0]["weight"], 1.0);
  EXPECT_EQ(got["words"][1]["weight"], 2.5);
  EXPECT_EQ(Do("GET", "/api/v1/hotword-sets", alice_).json()["items"][0]["word_count"], 2);
  EXPECT_EQ(
      Do("POST", "/api/v1/hotword-sets", alice_, R"({"name":"Product","words":["x"]})").status,
      409);
  auto badw = Do("POST", "/api/v1/hotword-sets", alice_,
                 R"({"name":"B","words":["ok", {"word":"w","weight":11}]})");
  EXPECT_EQ(badw.status, 400);
  EXPECT_NE(badw.body.find("words[1].weight"), std::string::npos) << badw.body;
  EXPECT_EQ(Do("POST", "/api/v1/hotword-sets", alice_, R"({"name":"B","words":[]})").status, 400);
  EXPECT_EQ(Do("POST", "/api/v1/hotword-sets", alice_, R"({"name":"B","words":["  "]})").status,
            400);
  EXPECT_EQ(Do("POST", "/api/v1/hotword-sets", alice_, R"({"words":["x"]})").status, 400);
  auto put = Do("PUT", "/api/v1/hotword-sets/" + id, alice_,
                R"({"name":"Product v2","words":["Kubernetes"]})");
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.json()["words"].size(), 1u);
  // A task that uses the set; deleting the set detaches it from the task.
  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto task =
      Call(svc_->port(), "POST", "/api/v1/tasks?hotword_set=" + id, wav, alice_, "audio/wav");
  ASSERT_EQ(task.status, 201) << task.body;
  std::string task_id = task.json()["id"];
  EXPECT_EQ(Do("GET", "/api/v1/tasks/" + task_id, alice_).json()["hotword_set"], id);
  // Another tenant: not visible, not changeable, not usable.
  EXPECT_EQ(Do("GET", "/api/v1/hotword-sets/" + id, mallory_).status, 404);
  EXPECT_EQ(
      Do("PUT", "/api/v1/hotword-sets/" + id, mallory_, R"({"name":"x","words":["y"]})").status,
      404);
  EXPECT_EQ(Do("DELETE", "/api/v1/hotword-sets/" + id, mallory_).status, 404);
  EXPECT_TRUE(Do("GET", "/api/v1/hotword-sets", mallory_).json()["items"].empty());
  EXPECT_EQ(
      Call(svc_->port(), "POST", "/api/v1/tasks?hotword_set=" + id, wav, mallory_, "audio/wav")
          .status,
      400);
  EXPECT_EQ(Do("DELETE", "/api/v1/hotword-sets/" + id, alice_).status, 204);
  EXPECT_TRUE(Do("GET", "/api/v1/tasks/" + task_id, alice_).json()["hotword_set"].is_null());
  EXPECT_EQ(Do("GET", "/api/v1/hotword-sets/" + id, alice_).status, 404);
}

}  // namespace
}  // namespace minutes
