// The service flow over HTTP: upload → worker → transcript → name speakers → minutes, with
// tenant isolation and bad uploads.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

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
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

Reply Call(int port, const std::string& method, const std::string& path, const std::string& body,
           const std::string& bearer, const std::string& type = "application/json") {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  s.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!bearer.empty()) req.set("Authorization", "Bearer " + bearer);
  req.setContentLength(static_cast<std::streamsize>(body.size()));
  req.setContentType(type);
  s.sendRequest(req) << body;
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  return {res.getStatus(), std::string((std::istreambuf_iterator<char>(in)), {})};
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class Tasks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-tasks-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    std::string d = " --data-dir " + ShellQuote(dir_.string());
    for (auto [user, tenant] : {std::pair{"alice", "acme"}, std::pair{"mallory", "evil"}})
      ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
                           " --tenant " + tenant + " --password-stdin" + d)
                    .exit_code,
                0);
    server_ = std::make_unique<minutes::testing::ServerProcess>(
        MinutesBinary(), std::vector<std::string>{"--data-dir", dir_.string(), "--workers", "1",
                                                  "--max-upload-mb", "2"});
    ASSERT_GT(server_->port(), 0);
    alice_ = Token("alice");
    mallory_ = Token("mallory");
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  std::string Token(const std::string& user) {
    auto r = Call(server_->port(), "POST", "/api/v1/auth/login",
                  "{\"username\":\"" + user + "\",\"password\":\"correct-battery-42\"}", "");
    return r.json()["access_token"];
  }
  nlohmann::json WaitDone(const std::string& id) {
    nlohmann::json t;
    for (int i = 0; i < 240; ++i) {
      t = Call(server_->port(), "GET", "/api/v1/tasks/" + id, "", alice_).json();
      if (t["state"] == "succeeded" || t["state"] == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return t;
  }
  size_t StoredObjects() {
    size_t n = 0;
    if (fs::exists(dir_ / "objects"))
      for (auto& e : fs::recursive_directory_iterator(dir_ / "objects"))
        if (e.is_regular_file() && e.path().string().find('~') == std::string::npos) ++n;
    return n;
  }
  fs::path dir_;
  std::unique_ptr<minutes::testing::ServerProcess> server_;
  std::string alice_, mallory_;
};

TEST_F(Tasks, UploadTranscribeNameSpeakersAndReadMinutes) {
  int p = server_->port();
  auto up = Call(p, "POST", "/api/v1/tasks?title=standup",
                 Slurp(minutes::testing::TestData("formats/standup.m4a")), alice_, "audio/mp4");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto done = WaitDone(id);
  ASSERT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["title"], "standup");

  auto txt = Call(p, "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", alice_);
  ASSERT_EQ(txt.status, 200);
  EXPECT_NE(txt.body.find("] S1: "), std::string::npos) << txt.body;
  auto json = Call(p, "GET", "/api/v1/tasks/" + id + "/transcript", "", alice_).json();
  EXPECT_EQ(json["speakers"].size(), 3u);

  auto named = Call(p, "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S1":"Alice"})", alice_);
  EXPECT_EQ(named.status, 200) << named.body;
  txt = Call(p, "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", alice_);
  EXPECT_NE(txt.body.find("] Alice: "), std::string::npos) << txt.body;
  auto md = Call(p, "GET", "/api/v1/tasks/" + id + "/minutes?format=md", "", alice_);
  ASSERT_EQ(md.status, 200);
  EXPECT_NE(md.body.find("| Alice |"), std::string::npos) << md.body;
  auto mj = Call(p, "GET", "/api/v1/tasks/" + id + "/minutes?format=json", "", alice_).json();
  EXPECT_FALSE(mj["decisions"].empty());
  EXPECT_EQ(Call(p, "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S9":"X"})", alice_).status,
            400);

  // Another tenant sees none of it.
  for (const std::string path : {"", "/transcript", "/minutes"})
    EXPECT_EQ(Call(p, "GET", "/api/v1/tasks/" + id + path, "", mallory_).status, 404) << path;
  EXPECT_EQ(Call(p, "PUT", "/api/v1/tasks/" + id + "/speakers", R"({"S1":"Eve"})", mallory_).status,
            404);
  EXPECT_TRUE(Call(p, "GET", "/api/v1/tasks", "", mallory_).json()["items"].empty());
  EXPECT_EQ(Call(p, "GET", "/api/v1/tasks", "", alice_).json()["items"].size(), 1u);
}

TEST_F(Tasks, BadUploadsAreRefusedAndLeaveNothing) {
  int p = server_->port();
  EXPECT_EQ(Call(p, "POST", "/api/v1/tasks", "hello", alice_, "text/plain").status, 415);
  auto big =
      Call(p, "POST", "/api/v1/tasks", std::string(3 * 1024 * 1024, 'x'), alice_, "audio/wav");
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(Call(p, "POST", "/api/v1/tasks", "", alice_, "audio/wav").status, 400);
  EXPECT_EQ(Call(p, "POST", "/api/v1/tasks?template=nope", "RIFF", alice_, "audio/wav").status,
            400);
  EXPECT_EQ(StoredObjects(), 0u);
  EXPECT_EQ(Call(p, "POST", "/api/v1/tasks", "RIFF", "", "audio/wav").status, 401);
}

TEST_F(Tasks, ANonMediaUploadIsRefusedByContentWhateverItsLabel) {
  auto up = Call(server_->port(), "POST", "/api/v1/tasks", "this is not audio at all", alice_,
                 "audio/wav");
  ASSERT_EQ(up.status, 415);
  EXPECT_NE(up.json()["error"]["message"].get<std::string>().find("not an audio or video file"),
            std::string::npos)
      << up.body;
  EXPECT_EQ(StoredObjects(), 0u);
  // Nothing at all is a bad request, not a wrong type.
  auto empty = Call(server_->port(), "POST", "/api/v1/tasks", "", alice_, "audio/wav");
  ASSERT_EQ(empty.status, 400) << empty.body;
  EXPECT_NE(empty.body.find("empty"), std::string::npos) << empty.body;
  EXPECT_EQ(StoredObjects(), 0u);
}

}  // namespace
}  // namespace minutes
