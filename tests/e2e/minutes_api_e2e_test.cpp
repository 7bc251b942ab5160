// Minutes versions over HTTP: regenerate with another template (a new version, the old one
// kept), read any version as Markdown, JSON or a Word document, names applied everywhere.
#include <gtest/gtest.h>

#include <fstream>

#include "service_fixture.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string UnzipMember(const std::string& bytes, const std::string& member) {
  auto path = fs::temp_directory_path() / ("minutes-docx-" + std::to_string(getpid()) + ".docx");
  std::ofstream(path, std::ios::binary) << bytes;
  auto r = RunCommand("unzip -p " + path.string() + " " + member);
  fs::remove(path);
  return r.exit_code == 0 ? r.output : "";
}

TEST(MinutesApi, RegenerateAddsVersionsAndEveryFormatShowsSpeakerNames) {
  TestService svc("minutes-api", {{"alice", "acme", false}, {"mallory", "evil", false}},
                  {"--workers", "1"});
  ASSERT_GT(svc.port(), 0);
  int p = svc.port();
  std::string alice = svc.Token("alice"), mallory = svc.Token("mallory");
  std::string wav = Slurp(TestData("standup") / "meeting.wav");
  auto up = Call(p, "POST", "/api/v1/tasks?title=Standup", wav, alice, "audio/wav");
  ASSERT_EQ(up.status, 201);
  std::string id = up.json()["id"], base = "/api/v1/tasks/" + id + "/minutes";
  // Too early: no transcript to write minutes from.
  auto early = Call(p, "POST", base, R"({"template":"brief"})", alice);
  if (early.status != 202) EXPECT_EQ(early.status, 409) << early.body;
  ASSERT_EQ(svc.WaitDone(id, alice)["state"], "succeeded");

  auto v1 = Call(p, "GET", base + "?format=md", "", alice);
  ASSERT_EQ(v1.status, 200);
  auto regen = Call(p, "POST", base, R"({"template":"brief"})", alice);
  ASSERT_EQ(regen.status, 202) << regen.body;
  int64_t version = regen.json()["version"];
  EXPECT_GE(version, 2);
  nlohmann::json versions;
  for (int i = 0; i < 100; ++i) {
    versions = Call(p, "GET", base + "/versions", "", alice).json();
    if (versions["items"].size() >= static_cast<size_t>(version)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(versions["items"].size(), static_cast<size_t>(version)) << versions.dump();
  EXPECT_EQ(versions["items"][0]["template"], "default");
  EXPECT_EQ(versions["items"][version - 1]["template"], "brief");
  // Version 1 is unchanged; the latest is the brief one.
  EXPECT_EQ(Call(p, "GET", base + "?format=md&version=1", "", alice).body, v1.body);
  auto latest = Call(p, "GET", base + "?format=md", "", alice);
  EXPECT_NE(latest.body, v1.body);
  EXPECT_EQ(latest.headers["X-Minutes-Version"], std::to_string(version));
  EXPECT_EQ(Call(p, "GET", base + "?format=json", "", alice).json()["template"], "brief");

  // A name given now shows up in every version and format.
  ASSERT_EQ(
      Call(p, "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S1":"Alice Zhang"})", alice).status,
      200);
  EXPECT_NE(Call(p, "GET", base + "?format=md&version=1", "", alice).body.find("Alice Zhang"),
            std::string::npos);
  auto j = Call(p, "GET", base + "?format=json", "", alice).json();
  EXPECT_NE(j.dump().find("Alice Zhang"), std::string::npos);
  auto docx = Call(p, "GET", base + "?format=docx&version=1", "", alice);
  ASSERT_EQ(docx.status, 200);
  EXPECT_EQ(docx.headers["Content-Type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_NE(docx.headers["Content-Disposition"].find(".docx"), std::string::npos);
  std::string xml = UnzipMember(docx.body, "word/document.xml");
  EXPECT_NE(xml.find("<w:tbl>"), std::string::npos);
  EXPECT_NE(xml.find("Alice Zhang"), std::string::npos);
  EXPECT_NE(xml.find("Standup"), std::string::npos);

  // Bad input and other tenants.
  EXPECT_EQ(Call(p, "POST", base, R"({"template":"nope"})", alice).status, 400);
  EXPECT_EQ(Call(p, "POST", base, R"({"template":)", alice).status, 400);
  EXPECT_EQ(Call(p, "GET", base + "?version=99", "", alice).status, 404);
  EXPECT_EQ(Call(p, "GET", base + "?version=x", "", alice).status, 400);
  EXPECT_EQ(Call(p, "GET", base + "?format=pdf", "", alice).status, 400);
  EXPECT_EQ(Call(p, "GET", base, "", mallory).status, 404);
  EXPECT_EQ(Call(p, "GET", base + "/versions", "", mallory).status, 404);
  EXPECT_EQ(Call(p, "POST", base, R"({"template":"brief"})", mallory).status, 404);
}

}  // namespace
}  // namespace minutes
