// The task routes over HTTP: multipart uploads with fields, live events, ranged audio, paging
// and search, cancel and delete — and the bad inputs each of them must refuse cleanly.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <fstream>

#include "service_fixture.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

const std::string kBoundary = "----minutes-test-boundary";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A multipart/form-data body: fields, then (optionally) the file part.
std::string Multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& filename, const std::string& file, bool close = true) {
  std::string b;
  for (auto& [k, v] : fields)
    b += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v +
         "\r\n";
  if (!filename.empty())
    b += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
         filename + "\"\r\nContent-Type: audio/wav\r\n\r\n" + file + "\r\n";
  if (close) b += "--" + kBoundary + "--\r\n";
  return b;
}

class TasksApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    svc_ = new TestService("tasks-api", {{"alice", "acme", false}, {"mallory", "evil", false}},
                           {"--workers", "1", "--max-upload-mb", "2"});
    ASSERT_GT(svc_->port(), 0);
    alice_ = svc_->Token("alice");
    mallory_ = svc_->Token("mallory");
    wav_ = Slurp(TestData("standup") / "meeting.wav");
    ASSERT_GT(wav_.size(), 1000u);
  }
  static void TearDownTestSuite() { delete svc_; }
  int port() { return svc_->port(); }
  Reply PostMultipart(const std::string& body, const std::string& token = alice_) {
    return Call(port(), "POST", "/api/v1/tasks", body, token,
                "multipart/form-data; boundary=" + kBoundary);
  }
  size_t StoredObjects() {
    size_t n = 0;
    fs::path objects = svc_->dir() / "objects";
    if (fs::exists(objects))
      for (auto& e : fs::recursive_directory_iterator(objects))
        if (e.is_regular_file() && e.path().string().find('~') == std::string::npos &&
            e.path().string().find("_probe") == std::string::npos)
          ++n;
    return n;
  }
  static TestService* svc_;
  static std::string alice_, mallory_, wav_;
};
TestService* TasksApi::svc_ = nullptr;
std::string TasksApi::alice_, TasksApi::mallory_, TasksApi::wav_;

TEST_F(TasksApi, MultipartUploadWithFieldsThenLiveEventsUntilDone) {
  size_t before = StoredObjects();
  auto up = PostMultipart(Multipart(
      {{"title", "Weekly standup"}, {"speakers", "2"}, {"template", "brief"}, {"language", "en"}},
      "../../etc/passwd", wav_));
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  // Events: read the stream as it arrives until the final "done".
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port()));
  s.setTimeout(Poco::Timespan(120, 0));
  Poco::Net::HTTPRequest req("GET", "/api/v1/tasks/" + id + "/events",
                             Poco::Net::HTTPMessage::HTTP_1_1);
  req.set("Authorization", "Bearer " + alice_);
  s.sendRequest(req);
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  ASSERT_EQ(res.getStatus(), 200);
  EXPECT_EQ(res.getContentType(), "text/event-stream");
  std::string line, event;
  std::vector<nlohmann::json> progress;
  nlohmann::json done;
  while (std::getline(in, line)) {
    if (line.rfind("event: ", 0) == 0) event = line.substr(7);
    if (line.rfind("data: ", 0) == 0) {
      auto j = nlohmann::json::parse(line.substr(6));
      if (event == "progress") progress.push_back(j);
      if (event == "done") {
        done = j;
        break;
      }
    }
  }
  ASSERT_FALSE(done.is_null());
  EXPECT_EQ(done["state"], "succeeded") << done.dump();
  ASSERT_GE(progress.size(), 2u);  // at least one in-between state before the end
  bool saw_stage = false;
  for (auto& p : progress) saw_stage |= p["stage"] == "transcribe" || p["stage"] == "diarize";
  EXPECT_TRUE(saw_stage);
  auto t = Call(port(), "GET", "/api/v1/tasks/" + id, "", alice_).json();
  EXPECT_EQ(t["title"], "Weekly standup");
  EXPECT_EQ(t["template"], "brief");
  EXPECT_EQ(t["expected_speakers"], 2);
  EXPECT_EQ(t["format"], "wav");       // what FFmpeg's probe found
  EXPECT_EQ(t["filename"], "passwd");  // the name is metadata; the key is the server's
  EXPECT_EQ(t["size"], static_cast<int64_t>(wav_.size()));
  EXPECT_GT(t["duration"].get<double>(), 5.0);
  EXPECT_EQ(StoredObjects(), before + 1);
  EXPECT_FALSE(fs::exists(svc_->dir() / "etc"));
  // Events of a finished task end at once.
  auto again = Call(port(), "GET", "/api/v1/tasks/" + id + "/events", "", alice_);
  EXPECT_NE(again.body.find("event: done"), std::string::npos);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks/" + id + "/events", "", mallory_).status, 404);
}

TEST_F(TasksApi, AudioDownloadsWholeAndInRanges) {
  auto up = Call(port(), "POST", "/api/v1/tasks?title=ranges", wav_, alice_, "audio/wav");
  ASSERT_EQ(up.status, 201);
  std::string path = "/api/v1/tasks/" + up.json()["id"].get<std::string>() + "/audio";
  auto whole = Call(port(), "GET", path, "", alice_);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, wav_);
  EXPECT_EQ(whole.headers["Accept-Ranges"], "bytes");
  auto part = Call(port(), "GET", path, "", alice_, "", {{"Range", "bytes=100-1099"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, wav_.substr(100, 1000));
  EXPECT_EQ(part.headers["Content-Range"], "bytes 100-1099/" + std::to_string(wav_.size()));
  auto tail = Call(port(), "GET", path, "", alice_, "", {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, wav_.substr(wav_.size() - 10));
  auto open = Call(port(), "GET", path, "", alice_, "", {{"Range", "bytes=5-"}});
  EXPECT_EQ(open.body, wav_.substr(5));
  auto bad = Call(port(), "GET", path, "", alice_, "",
                  {{"Range", "bytes=" + std::to_string(wav_.size()) + "-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.headers["Content-Range"], "bytes */" + std::to_string(wav_.size()));
  EXPECT_EQ(Call(port(), "GET", path, "", mallory_).status, 404);
}

TEST_F(TasksApi, BadUploadsAreRefusedAndLeaveNoObject) {
  size_t before = StoredObjects();
  // Truncated: the body ends inside the file part, before the closing boundary.
  auto cut = PostMultipart(Multipart({{"title", "x"}}, "a.wav", wav_.substr(0, 5000), false));
  EXPECT_EQ(cut.status, 400) << cut.body;
  EXPECT_NE(cut.body.find("multipart"), std::string::npos) << cut.body;
  // Sniffed: text labelled as audio.
  auto text = PostMultipart(Multipart({}, "notes.wav", "just some text, not a recording"));
  EXPECT_EQ(text.status, 415) << text.body;
  // Oversize (the server allows 2 MiB).
  auto big = PostMultipart(Multipart({}, "big.wav", wav_ + std::string(3 << 20, '\0')));
  EXPECT_EQ(big.status, 413) << big.body;
  // Unknown template / hotword set / field, bad speakers, no file part.
  EXPECT_EQ(PostMultipart(Multipart({{"template", "nope"}}, "a.wav", wav_)).status, 400);
  EXPECT_EQ(PostMultipart(Multipart({{"hotword_set", "nope"}}, "a.wav", wav_)).status, 400);
  EXPECT_EQ(PostMultipart(Multipart({{"colour", "red"}}, "a.wav", wav_)).status, 400);
  EXPECT_EQ(PostMultipart(Multipart({{"speakers", "many"}}, "a.wav", wav_)).status, 400);
  auto nofile = PostMultipart(Multipart({{"title", "x"}}, "", ""));
  EXPECT_EQ(nofile.status, 400);
  EXPECT_NE(nofile.body.find("'file'"), std::string::npos) << nofile.body;
  EXPECT_EQ(Call(port(), "POST", "/api/v1/tasks", "x", alice_, "multipart/form-data").status, 400);
  EXPECT_EQ(Call(port(), "POST", "/api/v1/tasks", "x", alice_, "text/plain").status, 415);
  EXPECT_EQ(StoredObjects(), before);
  // Every error is the JSON error shape with a request id.
  auto j = text.json();
  EXPECT_EQ(j["error"]["code"], "unsupported_media_type");
  EXPECT_FALSE(j["error"]["request_id"].get<std::string>().empty());
}

// A raw upload whose client hangs up before the Content-Length it announced: no task, no object,
// nothing left in staging.
TEST_F(TasksApi, ClientHangingUpMidBodyLeavesNothing) {
  size_t before = StoredObjects();
  auto tasks_before = Call(port(), "GET", "/api/v1/tasks?limit=100", "", alice_).json()["total"];
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port()));
  std::string head =
      "POST /api/v1/tasks?title=cut HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice_ +
      "\r\nContent-Type: audio/wav\r\nContent-Length: " + std::to_string(wav_.size()) + "\r\n\r\n";
  std::string part = head + wav_.substr(0, wav_.size() / 2);
  sock.sendBytes(part.data(), static_cast<int>(part.size()));
  sock.close();
  // The server notices the hang-up, and the next request sees its outcome.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks?limit=100", "", alice_).json()["total"],
            tasks_before);
  EXPECT_EQ(StoredObjects(), before);
  size_t staged = 0;
  for (auto& e : fs::directory_iterator(svc_->dir() / "objects" / "~staging"))
    staged += !!e.exists();
  EXPECT_EQ(staged, 0u);
}

TEST_F(TasksApi, ListPagesFiltersAndSearches) {
  // Its own tenant, so other tests' tasks do not count.
  ASSERT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() +
                       " user add lister --tenant lists " + "--password-stdin --data-dir " +
                       ShellQuote(svc_->dir().string()))
                .exit_code,
            0);
  std::string tok = svc_->Token("lister");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto up = Call(port(), "POST",
                   "/api/v1/tasks?title=" + std::string(i == 3 ? "Budget%20review" : "sync"), wav_,
                   tok, "audio/wav");
    ASSERT_EQ(up.status, 201);
    ids.push_back(up.json()["id"]);
  }
  auto p1 = Call(port(), "GET", "/api/v1/tasks?page_size=2", "", tok).json();
  EXPECT_EQ(p1["total"], 5);
  ASSERT_EQ(p1["items"].size(), 2u);
  EXPECT_EQ(p1["items"][0]["id"], ids[4]);  // newest first
  auto p3 = Call(port(), "GET", "/api/v1/tasks?page_size=2&page=3", "", tok).json();
  ASSERT_EQ(p3["items"].size(), 1u);
  EXPECT_EQ(p3["items"][0]["id"], ids[0]);
  auto found = Call(port(), "GET", "/api/v1/tasks?q=budget", "", tok).json();
  ASSERT_EQ(found["items"].size(), 1u);
  EXPECT_EQ(found["items"][0]["id"], ids[3]);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks?q=100%25", "", tok).json()["total"], 0);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks?state=bogus", "", tok).status, 400);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks?page_size=1000", "", tok).status, 400);
  for (auto& id : ids) Call(port(), "DELETE", "/api/v1/tasks/" + id, "", tok);
  auto left = Call(port(), "GET", "/api/v1/tasks?state=canceled", "", tok).json();
  EXPECT_EQ(
      left["total"].get<int>() +
          Call(port(), "GET", "/api/v1/tasks?state=succeeded", "", tok).json()["total"].get<int>(),
      Call(port(), "GET", "/api/v1/tasks", "", tok).json()["total"].get<int>());
}

TEST_F(TasksApi, DeleteCancelsQueuedWorkAndRemovesFinishedTasks) {
  // A server with no workers: its tasks stay queued until canceled.
  TestService idle("tasks-idle", {{"alice", "acme", false}, {"mallory", "evil", false}},
                   {"--workers", "0"});
  ASSERT_GT(idle.port(), 0);
  std::string tok = idle.Token("alice");
  auto up = Call(idle.port(), "POST", "/api/v1/tasks", wav_, tok, "audio/wav");
  ASSERT_EQ(up.status, 201);
  std::string id = up.json()["id"];
  EXPECT_EQ(Call(idle.port(), "DELETE", "/api/v1/tasks/" + id, "", idle.Token("mallory")).status,
            404);
  auto cancel = Call(idle.port(), "DELETE", "/api/v1/tasks/" + id, "", tok);
  EXPECT_EQ(cancel.status, 202) << cancel.body;
  EXPECT_EQ(cancel.json()["state"], "canceled");
  // A second DELETE removes it and its recording.
  EXPECT_EQ(Call(idle.port(), "DELETE", "/api/v1/tasks/" + id, "", tok).status, 204);
  EXPECT_EQ(Call(idle.port(), "GET", "/api/v1/tasks/" + id, "", tok).status, 404);
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(idle.dir() / "objects"))
    if (e.is_regular_file() && e.path().string().find("recordings") != std::string::npos) ++files;
  EXPECT_EQ(files, 0u);

  // A finished task on the main server: deleted with its transcript.
  auto up2 = Call(port(), "POST", "/api/v1/tasks?title=gone", wav_, alice_, "audio/wav");
  std::string id2 = up2.json()["id"];
  EXPECT_EQ(svc_->WaitDone(id2, alice_)["state"], "succeeded");
  EXPECT_EQ(Call(port(), "DELETE", "/api/v1/tasks/" + id2, "", alice_).status, 204);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks/" + id2 + "/transcript", "", alice_).status, 404);
  EXPECT_EQ(Call(port(), "GET", "/api/v1/tasks/" + id2 + "/audio", "", alice_).status, 404);
}

}  // namespace
}  // namespace minutes
