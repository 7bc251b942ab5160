// Quotas and caps through the real binary (issue 17's "no limits on work"): a recording longer
// than limits.max_duration_s refused with 422 before anything is queued (also one whose header
// claims a tenth of its length, and a direct upload), the worker stopping at the limit for a
// recording it gets anyway; the tenant's storage quota refusing the upload that would pass it,
// streamed or chunked, with nothing left on disk; the queued-task limit, the per-user upload
// rate and the per-user upload bytes per hour answering 429 with Retry-After (a chunked body
// cut as it passes the bytes, nothing kept); /api/v1/usage showing the figures. On SQLite, and the
// storage and queue limits again on a real PostgreSQL 15.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "child_process.hpp"
#include "http_client.hpp"
#include "pg_server.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

fs::path Scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("minutes-quotas-audio-" + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// `seconds` of silence made by the ffmpeg CLI: Ogg Opus (a few KB a minute) or 16 kHz WAV.
std::string Silence(double seconds, const std::string& ext) {
  fs::path out = Scratch() / (std::to_string(seconds) + "." + ext);
  if (!fs::exists(out)) {
    std::string codec = ext == "opus" ? "-c:a libopus -b:a 6k" : "-c:a pcm_s16le";
    auto r = RunCommand(
        "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "
        "anullsrc=r=16000:cl=mono -t " +
        std::to_string(seconds) + " " + codec + " " + ShellQuote(out.string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  return Slurp(out);
}

// Files under the object store's directory, staging included (nothing may be left there).
int StoredFiles(const fs::path& objects) {
  int n = 0;
  std::error_code ec;
  for (auto& e : fs::recursive_directory_iterator(objects, ec))
    if (e.is_regular_file() && e.path().string().find("_probe") == std::string::npos &&
        e.path().string().find("~sha256") == std::string::npos)
      ++n;
  return n;
}

// A `minutes serve` (API only unless `workers`) with `limits` as environment variables, users
// alice and bob in acme (alice an admin) and carol in other.
class Service {
 public:
  Service(const std::string& name, std::map<std::string, std::string> env,
          const std::string& database = "", int workers = 0) {
    dir_ = fs::temp_directory_path() / ("minutes-quotas-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string where = " --data-dir " + ShellQuote(dir_.string()) +
                        (database.empty() ? "" : " --database " + ShellQuote(database));
    for (auto [user, tenant, admin] :
         {std::tuple{"alice", "acme", true}, {"bob", "acme", false}, {"carol", "other", true}})
      EXPECT_EQ(RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
                           " --tenant " + tenant + " --password-stdin" + (admin ? " --admin" : "") +
                           where)
                    .exit_code,
                0);
    std::vector<std::string> args = {"serve", "--data-dir", dir_.string(),          "--port",
                                     "0",     "--workers",  std::to_string(workers)};
    if (!database.empty()) args.insert(args.end(), {"--database", database});
    serve_ =
        std::make_unique<ChildProcess>(MinutesBinary(), args, env, (dir_ / "serve.err").string());
  }
  ~Service() {
    serve_.reset();
    fs::remove_all(dir_);
  }
  int port() const { return serve_->port(); }
  /// Stops the server (its data stays until the Service goes).
  void Stop() { serve_.reset(); }
  const fs::path& dir() const { return dir_; }
  fs::path objects() const { return dir_ / "objects"; }
  std::string log() const { return Slurp(dir_ / "serve.err"); }
  std::string Token(const std::string& user) {
    return Call(port(), "POST", "/api/v1/auth/login",
                R"({"username":")" + user + R"(","password":"correct-battery-42"})")
        .json()
        .value("access_token", "");
  }
  Reply Upload(const std::string& token, const std::string& bytes,
               const std::string& type = "audio/ogg") {
    return Call(port(), "POST", "/api/v1/tasks?title=q", bytes, token, type);
  }
  int Tasks(const std::string& token) {
    return Call(port(), "GET", "/api/v1/tasks", "", token).json().value("total", -1);
  }
  nlohmann::json Limits(const std::string& admin_token) {
    auto r = Call(port(), "GET", "/api/v1/usage", "", admin_token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["limits"];
  }

 private:
  fs::path dir_;
  std::unique_ptr<ChildProcess> serve_;
};

// POST with Transfer-Encoding: chunked (no Content-Length: the server cannot know the size).
Reply UploadChunked(int port, const std::string& token, const std::string& bytes) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  s.setTimeout(Poco::Timespan(60, 0));
  Poco::Net::HTTPRequest req("POST", "/api/v1/tasks?title=chunked",
                             Poco::Net::HTTPMessage::HTTP_1_1);
  req.set("Authorization", "Bearer " + token);
  req.setContentType("audio/wav");
  req.setChunkedTransferEncoding(true);
  std::ostream& out = s.sendRequest(req);
  for (size_t at = 0; at < bytes.size() && out; at += 100000)
    out.write(bytes.data() + at,
              static_cast<std::streamsize>(std::min<size_t>(100000, bytes.size() - at)));
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  Reply r{res.getStatus(), std::string((std::istreambuf_iterator<char>(in)), {}), {}};
  for (auto& [k, v] : res) r.headers[k] = v;
  return r;
}

std::string Code(const Reply& r) {
  auto j = r.json();
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}
std::string Message(const Reply& r) {
  auto j = r.json();
  return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
}

TEST(Quotas, RecordingsOverTheDurationLimitAreRefusedBeforeAnythingIsQueued) {
  Service svc("duration", {{"MINUTES_LIMITS_MAX_DURATION_S", "300"}});
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string alice = svc.Token("alice");
  // Ten minutes of silence: a few KB, twice the limit.
  auto ten = svc.Upload(alice, Silence(600, "opus"));
  EXPECT_EQ(ten.status, 422) << ten.body;
  EXPECT_EQ(Code(ten), "recording_too_long") << ten.body;
  EXPECT_NE(Message(ten).find("limits.max_duration_s = 300"), std::string::npos) << ten.body;
  EXPECT_NE(Message(ten).find("5 min"), std::string::npos) << ten.body;
  EXPECT_NE(Message(ten).find("10 min"), std::string::npos) << "the probed duration: " << ten.body;
  // A minute of Ogg repeated ten times: its header says 60 s, its audio lasts 10 minutes.
  std::string minute = Silence(60, "opus"), looped;
  for (int i = 0; i < 10; ++i) looped += minute;
  auto loop = svc.Upload(alice, looped);
  EXPECT_EQ(loop.status, 422) << loop.body;
  EXPECT_NE(Message(loop).find("more than 5 min of audio"), std::string::npos) << loop.body;
  // The multipart form too.
  std::string b = "quota-boundary";
  std::string form = "--" + b +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"long.opus\"\r\n"
                     "Content-Type: audio/ogg\r\n\r\n" +
                     Silence(600, "opus") + "\r\n--" + b + "--\r\n";
  auto multi =
      Call(svc.port(), "POST", "/api/v1/tasks", form, alice, "multipart/form-data; boundary=" + b);
  EXPECT_EQ(multi.status, 422) << multi.body;
  EXPECT_EQ(svc.Tasks(alice), 0) << "no task for a refused recording";
  EXPECT_EQ(StoredFiles(svc.objects()), 0) << "nothing kept";
  // Just under the limit passes, and its probed duration is kept.
  auto under = svc.Upload(alice, Silence(290, "opus"));
  ASSERT_EQ(under.status, 201) << under.body;
  EXPECT_EQ(svc.Tasks(alice), 1);
  EXPECT_EQ(StoredFiles(svc.objects()), 1);
  // A direct upload is probed when it is completed: refused, aborted, its object gone.
  std::string longer = Silence(600, "opus");
  auto up =
      Call(svc.port(), "POST", "/api/v1/uploads",
           nlohmann::json{
               {"filename", "long.opus"}, {"size", longer.size()}, {"content_type", "audio/ogg"}}
               .dump(),
           alice);
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto part =
      Call(svc.port(), "PUT", up.json()["parts"][0]["url"], longer, "", "application/octet-stream");
  ASSERT_EQ(part.status, 200) << part.body;
  auto done = Call(svc.port(), "POST", "/api/v1/uploads/" + id + "/complete", "{}", alice);
  EXPECT_EQ(done.status, 422) << done.body;
  EXPECT_EQ(Code(done), "recording_too_long") << done.body;
  EXPECT_EQ(Call(svc.port(), "GET", "/api/v1/uploads/" + id, "", alice).json()["state"], "aborted");
  auto task =
      Call(svc.port(), "POST", "/api/v1/tasks", nlohmann::json{{"upload_id", id}}.dump(), alice);
  EXPECT_EQ(task.status, 409) << task.body;
  EXPECT_EQ(StoredFiles(svc.objects()), 1) << "only the accepted recording";
  EXPECT_EQ(svc.Limits(alice)["max_duration_s"], 300);
}

// The worker's decoder stops at the limit, whatever the upload's probe said: here the limit was
// lowered after a 290 s recording was accepted, as if the file had lied to the probe.
TEST(Quotas, TheWorkerStopsAtTheLimitAndBillsNothing) {
  std::string alice, id;
  fs::path data;
  {
    Service accept("worker", {{"MINUTES_LIMITS_MAX_DURATION_S", "300"}});
    ASSERT_GT(accept.port(), 0) << accept.log();
    alice = accept.Token("alice");
    auto up = accept.Upload(alice, Silence(290, "opus"));
    ASSERT_EQ(up.status, 201) << up.body;
    id = up.json()["id"];
    // The data directory for the second server, copied once this one has stopped.
    accept.Stop();
    data = fs::temp_directory_path() / ("minutes-quotas-worker-keep-" + std::to_string(getpid()));
    fs::remove_all(data);
    fs::copy(accept.dir(), data, fs::copy_options::recursive);
  }
  std::vector<std::string> args = {"serve",     "--data-dir", data.string(), "--port", "0",
                                   "--workers", "1"};
  ChildProcess serve(MinutesBinary(), args, {{"MINUTES_LIMITS_MAX_DURATION_S", "60"}},
                     (data / "serve.err").string());
  ASSERT_GT(serve.port(), 0) << Slurp(data / "serve.err");
  std::string token = Call(serve.port(), "POST", "/api/v1/auth/login",
                           R"({"username":"alice","password":"correct-battery-42"})")
                          .json()
                          .value("access_token", "");
  nlohmann::json t;
  for (int i = 0; i < 600; ++i) {
    t = Call(serve.port(), "GET", "/api/v1/tasks/" + id, "", token).json();
    if (t.value("state", "") == "failed" || t.value("state", "") == "succeeded") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(t.value("state", ""), "failed") << t.dump();
  EXPECT_NE(t.value("error", "").find("limits.max_duration_s"), std::string::npos) << t.dump();
  EXPECT_EQ(t.value("attempts", 0), 1) << "refused for good, not retried";
  auto usage = Call(serve.port(), "GET", "/api/v1/usage", "", token).json();
  EXPECT_EQ(usage["totals"]["audio_seconds"], 0.0) << "nothing billed: " << usage.dump();
  serve.Kill(SIGTERM);
  fs::remove_all(data);
}

void StorageQuota(Service& svc) {
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string alice = svc.Token("alice"), bob = svc.Token("bob"), carol = svc.Token("carol");
  std::string wav = Silence(19, "wav");  // 608 KB: one fits in 1 MiB, two do not
  auto first = svc.Upload(alice, wav, "audio/wav");
  ASSERT_EQ(first.status, 201) << first.body;
  auto limits = svc.Limits(alice);
  EXPECT_EQ(limits["storage"]["quota_bytes"], 1 << 20) << limits.dump();
  EXPECT_EQ(limits["storage"]["used_bytes"], wav.size()) << limits.dump();
  EXPECT_EQ(limits["storage"]["recordings_bytes"], wav.size()) << limits.dump();
  // The second, by another user of the tenant: its length is known, refused before it is read.
  auto second = svc.Upload(bob, wav, "audio/wav");
  EXPECT_EQ(second.status, 413) << second.body;
  EXPECT_EQ(Code(second), "storage_quota_exceeded") << second.body;
  EXPECT_NE(Message(second).find("limits.tenant_storage_mb"), std::string::npos) << second.body;
  // Chunked, so the server cannot know: stopped as it passes the quota, nothing left behind.
  auto chunked = UploadChunked(svc.port(), bob, wav + wav + wav);
  EXPECT_EQ(chunked.status, 413) << chunked.body;
  EXPECT_EQ(Code(chunked), "storage_quota_exceeded") << chunked.body;
  EXPECT_EQ(StoredFiles(svc.objects()), 1) << "the first recording only, no staged pieces";
  // A direct upload declares its size: refused when it is started.
  auto direct = Call(
      svc.port(), "POST", "/api/v1/uploads",
      nlohmann::json{{"filename", "a.wav"}, {"size", wav.size()}, {"content_type", "audio/wav"}}
          .dump(),
      bob);
  EXPECT_EQ(direct.status, 413) << direct.body;
  EXPECT_EQ(Code(direct), "storage_quota_exceeded") << direct.body;
  // Another tenant has its own quota.
  EXPECT_EQ(svc.Upload(carol, wav, "audio/wav").status, 201);
  // Room is made by deleting (a queued task is canceled first, then deleted).
  std::string id = first.json()["id"];
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + id, "", alice).status, 202);
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + id, "", alice).status, 204);
  EXPECT_EQ(UploadChunked(svc.port(), bob, wav).status, 201);
  EXPECT_EQ(svc.Limits(alice)["storage"]["used_bytes"], wav.size());
}

TEST(Quotas, StorageQuotaRefusesTheUploadThatWouldPassItLeavingNothing) {
  Service svc("storage", {{"MINUTES_LIMITS_TENANT_STORAGE_MB", "1"}});
  StorageQuota(svc);
}

void QueuedTasks(Service& svc) {
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string alice = svc.Token("alice"), carol = svc.Token("carol");
  std::string rec = Silence(5, "opus");
  ASSERT_EQ(svc.Upload(alice, rec).status, 201);
  auto second = svc.Upload(alice, rec);
  ASSERT_EQ(second.status, 201);
  auto third = svc.Upload(alice, rec);
  EXPECT_EQ(third.status, 429) << third.body;
  EXPECT_EQ(Code(third), "queued_tasks_limit") << third.body;
  EXPECT_EQ(third.headers["Retry-After"], "60");
  EXPECT_NE(Message(third).find("limits.tenant_queued_tasks"), std::string::npos) << third.body;
  EXPECT_EQ(StoredFiles(svc.objects()), 2) << "the refused upload was not stored";
  auto limits = svc.Limits(alice);
  EXPECT_EQ(limits["queued_tasks"]["count"], 2) << limits.dump();
  EXPECT_EQ(limits["queued_tasks"]["limit"], 2) << limits.dump();
  EXPECT_EQ(svc.Upload(carol, rec).status, 201) << "another tenant's queue is its own";
  // A task from a direct upload counts against the same limit.
  auto up = Call(
      svc.port(), "POST", "/api/v1/uploads",
      nlohmann::json{{"filename", "r.opus"}, {"size", rec.size()}, {"content_type", "audio/ogg"}}
          .dump(),
      alice);
  ASSERT_EQ(up.status, 201) << up.body;
  std::string upload = up.json()["id"];
  ASSERT_EQ(
      Call(svc.port(), "PUT", up.json()["parts"][0]["url"], rec, "", "application/octet-stream")
          .status,
      200);
  ASSERT_EQ(Call(svc.port(), "POST", "/api/v1/uploads/" + upload + "/complete", "{}", alice).status,
            200);
  auto from_upload = Call(svc.port(), "POST", "/api/v1/tasks",
                          nlohmann::json{{"upload_id", upload}}.dump(), alice);
  EXPECT_EQ(from_upload.status, 429) << from_upload.body;
  EXPECT_EQ(from_upload.headers["Retry-After"], "60");
  // A canceled task leaves the queue: room for one more.
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + second.json()["id"].get<std::string>(),
                 "", alice)
                .status,
            202);
  EXPECT_EQ(
      Call(svc.port(), "POST", "/api/v1/tasks", nlohmann::json{{"upload_id", upload}}.dump(), alice)
          .status,
      201);
}

TEST(Quotas, QueuedTaskLimitAnswers429WithRetryAfter) {
  Service svc("queued", {{"MINUTES_LIMITS_TENANT_QUEUED_TASKS", "2"}});
  QueuedTasks(svc);
}

TEST(Quotas, UploadRateAndBytesPerUserAnswer429WithRetryAfterFromTheWindow) {
  Service svc("rate", {{"MINUTES_LIMITS_USER_UPLOADS_PER_MINUTE", "3"},
                       {"MINUTES_LIMITS_USER_UPLOAD_MB_PER_HOUR", "1"}});
  ASSERT_GT(svc.port(), 0) << svc.log();
  std::string alice = svc.Token("alice"), bob = svc.Token("bob");
  std::string rec = Silence(5, "opus");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(svc.Upload(alice, rec).status, 201) << i;
  auto fourth = svc.Upload(alice, rec);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(fourth.status, 429) << fourth.body;
  EXPECT_EQ(Code(fourth), "upload_rate_limit") << fourth.body;
  EXPECT_NE(Message(fourth).find("limits.user_uploads_per_minute"), std::string::npos);
  int retry =
      std::stoi(fourth.headers["Retry-After"].empty() ? "0" : fourth.headers["Retry-After"]);
  EXPECT_LE(retry, 60);
  EXPECT_GE(retry, 60 - static_cast<int>(elapsed) - 1) << "when the first upload leaves the window";
  // Direct uploads count as uploads too; another user has their own allowance.
  auto direct = Call(
      svc.port(), "POST", "/api/v1/uploads",
      nlohmann::json{{"filename", "r.opus"}, {"size", rec.size()}, {"content_type", "audio/ogg"}}
          .dump(),
      alice);
  EXPECT_EQ(direct.status, 429) << direct.body;
  EXPECT_FALSE(direct.headers["Retry-After"].empty());
  EXPECT_EQ(svc.Upload(bob, rec).status, 201);
  auto limits = svc.Limits(alice);
  EXPECT_EQ(limits["uploads_per_minute"]["yours_last_minute"], 3) << limits.dump();
  EXPECT_EQ(limits["uploads_per_minute"]["limit"], 3) << limits.dump();
  EXPECT_EQ(limits["upload_bytes_per_hour"]["yours_last_hour_bytes"], 3 * rec.size())
      << limits.dump();
  EXPECT_EQ(limits["upload_bytes_per_hour"]["limit_bytes"], 1 << 20) << limits.dump();

  // Bytes per hour (1 MiB): bob's 608 KB recording fits; a chunked one passing the rest is cut
  // as it does, nothing kept; a direct upload is refused for its declared size.
  std::string wav = Silence(19, "wav");
  ASSERT_EQ(svc.Upload(bob, wav, "audio/wav").status, 201);
  auto cut = UploadChunked(svc.port(), bob, wav + wav);
  EXPECT_EQ(cut.status, 429) << cut.body;
  EXPECT_EQ(Code(cut), "upload_bytes_rate_limit") << cut.body;
  EXPECT_NE(Message(cut).find("limits.user_upload_mb_per_hour = 1"), std::string::npos) << cut.body;
  EXPECT_FALSE(cut.headers["Retry-After"].empty()) << cut.body;
  auto direct_bytes = Call(
      svc.port(), "POST", "/api/v1/uploads",
      nlohmann::json{{"filename", "b.wav"}, {"size", wav.size()}, {"content_type", "audio/wav"}}
          .dump(),
      bob);
  EXPECT_EQ(direct_bytes.status, 429) << direct_bytes.body;
  EXPECT_EQ(Code(direct_bytes), "upload_bytes_rate_limit") << direct_bytes.body;
  int wait = std::stoi(
      direct_bytes.headers["Retry-After"].empty() ? "0" : direct_bytes.headers["Retry-After"]);
  EXPECT_GT(wait, 3500) << "when bob's recording leaves the hour";
  EXPECT_LE(wait, 3600);
  EXPECT_EQ(svc.Tasks(alice), 5) << "alice's three and bob's two";
  EXPECT_EQ(StoredFiles(svc.objects()), 5) << "nothing of the refused uploads";
}

TEST(Quotas, StorageAndQueueLimitsHoldOnPostgres) {
  PgServer pg;
  Service storage("pg-storage", {{"MINUTES_LIMITS_TENANT_STORAGE_MB", "1"}}, pg.Url());
  StorageQuota(storage);
  pg.Psql("CREATE DATABASE queued");
  Service queued("pg-queued", {{"MINUTES_LIMITS_TENANT_QUEUED_TASKS", "2"}}, pg.Url("queued"));
  QueuedTasks(queued);
}

}  // namespace
}  // namespace minutes
