// Direct uploads (POST /api/v1/uploads): parts PUT to the API's signed URLs on local storage or
// to presigned URLs of an S3-compatible server (s3rver), resumable, completed into a verified
// object, then a task made from it.
#include <Poco/URI.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

#include "http_client.hpp"
#include "run_command.hpp"
#include "s3_server.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  std::string hex;
  for (unsigned char c : md) hex += {"0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]};
  return hex;
}

// A 16 kHz mono 16-bit WAV of `seconds` of low noise (a real recording, just a quiet one).
std::string QuietWav(int seconds) {
  uint32_t samples = 16000u * seconds, data = samples * 2;
  std::string w = "RIFF";
  auto u32 = [&](uint32_t v) { w.append(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { w.append(reinterpret_cast<const char*>(&v), 2); };
  u32(36 + data);
  w += "WAVEfmt ";
  u32(16), u16(1), u16(1), u32(16000), u32(32000), u16(2), u16(16);
  w += "data";
  u32(data);
  uint32_t x = 1;
  for (uint32_t i = 0; i < samples; ++i) {
    x = x * 1664525u + 1013904223u;
    u16(static_cast<uint16_t>(static_cast<int16_t>((x >> 16) % 7) - 3));
  }
  return w;
}

// PUT to a part URL: the API's relative one, or an absolute presigned one.
Reply PutPart(int api_port, const std::string& url, const std::string& body) {
  if (url.rfind("http", 0) != 0)
    return Call(api_port, "PUT", url, body, "", "application/octet-stream");
  Poco::URI uri(url);
  return Call(uri.getPort(), "PUT", uri.getPathAndQuery(), body, "", "application/octet-stream");
}

// `url` with query parameter `name` set to `value`.
std::string WithQuery(const std::string& url, const std::string& name, const std::string& value) {
  Poco::URI uri(url);
  auto params = uri.getQueryParameters();
  for (auto& [k, v] : params)
    if (k == name) v = value;
  uri.setQueryParameters(params);
  return uri.getPathAndQuery();
}

std::string QueryParam(const std::string& url, const std::string& name) {
  for (auto& [k, v] : Poco::URI(url).getQueryParameters())
    if (k == name) return v;
  return "";
}

nlohmann::json Create(TestService& svc, const std::string& token, const std::string& name,
                      size_t size, int expect = 201) {
  auto r =
      Call(svc.port(), "POST", "/api/v1/uploads",
           nlohmann::json{{"filename", name}, {"size", size}, {"content_type", "audio/wav"}}.dump(),
           token);
  EXPECT_EQ(r.status, expect) << r.body;
  return r.json();
}

TEST(Uploads, PartsThroughTheApiResumableCompletedIntoATask) {
  TestService svc("uploads", {{"alice", "acme", false}, {"eve", "evil", false}},
                  {"--max-upload-mb", "64"});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::string wav = QuietWav(600);  // 19.2 MB: parts of 8, 8 and 3.2 MiB
  auto up = Create(svc, token, "quiet.wav", wav.size());
  ASSERT_EQ(up["parts_total"], 3) << up.dump();
  EXPECT_EQ(up["part_size"], 8 << 20);
  std::string id = up["id"];
  auto parts = up["parts"];
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2]["size"], wav.size() - 2 * (8 << 20));
  std::vector<size_t> sizes;
  for (auto& p : parts) sizes.push_back(p["size"]);
  auto slice = [&](int n) {
    return wav.substr(static_cast<size_t>(n - 1) * (8 << 20), sizes[n - 1]);
  };
  // Part 2 first, then "the connection drops": resume from what the server says it has.
  auto p2 = PutPart(svc.port(), parts[1]["url"], slice(2));
  ASSERT_EQ(p2.status, 200) << p2.body;
  EXPECT_FALSE(p2.headers["ETag"].empty());
  auto status = Call(svc.port(), "GET", "/api/v1/uploads/" + id, "", token);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["parts_received"].size(), 1u) << status.body;
  EXPECT_EQ(status.json()["missing"], nlohmann::json({1, 3})) << status.body;
  parts = status.json()["parts"];  // URLs for the missing parts (the POST's stay valid too)
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["number"], 1);
  // Completing early names what is missing.
  auto early = Call(svc.port(), "POST", "/api/v1/uploads/" + id + "/complete", "{}", token);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.json()["missing"], nlohmann::json({1, 3})) << early.body;
  // A part of the wrong size is refused before it is stored.
  auto wrong = PutPart(svc.port(), parts[1]["url"], slice(3) + "x");
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find("must be exactly"), std::string::npos) << wrong.body;
  ASSERT_EQ(PutPart(svc.port(), parts[0]["url"], slice(1)).status, 200);
  ASSERT_EQ(PutPart(svc.port(), parts[1]["url"], slice(3)).status, 200);
  // Another tenant cannot see or complete it.
  std::string eve = svc.Token("eve");
  auto mine = Call(svc.port(), "GET", "/api/v1/uploads?state=open", "", token).json();
  ASSERT_EQ(mine["items"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["items"][0]["id"], id);
  EXPECT_TRUE(Call(svc.port(), "GET", "/api/v1/uploads", "", eve).json()["items"].empty());
  EXPECT_EQ(Call(svc.port(), "GET", "/api/v1/uploads?state=bogus", "", token).status, 400);
  EXPECT_EQ(Call(svc.port(), "GET", "/api/v1/uploads/" + id, "", eve).status, 404);
  EXPECT_EQ(Call(svc.port(), "POST", "/api/v1/uploads/" + id + "/complete", "{}", eve).status, 404);
  auto done = Call(svc.port(), "POST", "/api/v1/uploads/" + id + "/complete", "{}", token);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["state"], "completed");
  EXPECT_EQ(done.json()["object"]["size"], wav.size());
  EXPECT_EQ(done.json()["object"]["sha256"], Sha256Hex(wav)) << "the joined object is verified";
  EXPECT_EQ(done.json()["object"]["format"], "wav");
  EXPECT_EQ(
      RunCommand("ls -A " + ShellQuote((svc.dir() / "objects" / "~uploads").string()) + " | wc -l")
          .output,
      "0\n")
      << "the parts are gone once joined";
  // A task from it.
  EXPECT_EQ(Call(svc.port(), "POST", "/api/v1/tasks", R"({"upload_id":")" + id + "\"}", eve).status,
            404);
  auto task = Call(svc.port(), "POST", "/api/v1/tasks",
                   R"({"upload_id":")" + id + R"(","title":"Quiet hour","speakers":1})", token);
  ASSERT_EQ(task.status, 201) << task.body;
  auto again = Call(svc.port(), "POST", "/api/v1/tasks", R"({"upload_id":")" + id + "\"}", token);
  EXPECT_EQ(again.status, 409) << again.body;
  auto t = svc.WaitDone(task.json()["id"], token, 300);
  EXPECT_EQ(t["state"], "succeeded") << t.dump();
  EXPECT_EQ(t["title"], "Quiet hour");
  auto audio = Call(svc.port(), "GET",
                    "/api/v1/tasks/" + task.json()["id"].get<std::string>() + "/audio", "", token);
  EXPECT_EQ(audio.status, 200);
  EXPECT_EQ(Sha256Hex(audio.body), Sha256Hex(wav));
}

// Checking progress while parts are in flight must not break them: a part URL stays valid until
// its own expiry whatever else the client calls. Its token signs the upload, the part and the
// expiry: moved to another part or upload, or with a later expiry, it is refused.
TEST(Uploads, PartUrlsStayValidWhateverTheClientCalls) {
  TestService svc("uploads-urls", {{"alice", "acme", false}}, {"--max-upload-mb", "64"});
  ASSERT_GT(svc.port(), 0);
  int port = svc.port();
  std::string token = svc.Token("alice");
  std::string wav = QuietWav(300);  // 9.6 MB: parts of 8 and 1.6 MiB
  auto up = Create(svc, token, "urls.wav", wav.size());
  std::string id = up["id"];
  ASSERT_EQ(up["parts_total"], 2) << up.dump();
  nlohmann::json from_get;
  for (int i = 0; i < 2; ++i) {
    auto status = Call(port, "GET", "/api/v1/uploads/" + id, "", token);
    ASSERT_EQ(status.status, 200) << status.body;
    from_get = status.json()["parts"];
    ASSERT_EQ(from_get.size(), 2u) << status.body;
  }
  std::string url1 = up["parts"][0]["url"], url2 = up["parts"][1]["url"];
  std::string part1 = wav.substr(0, 8 << 20), part2 = wav.substr(8 << 20);

  auto other = Create(svc, token, "other.wav", 100);
  std::string other_url = other["parts"][0]["url"];
  std::string moved = "/api/v1/uploads/" + id + "/parts/2?expires=" + QueryParam(url1, "expires") +
                      "&token=" + QueryParam(url1, "token");
  std::string later =
      WithQuery(url1, "expires", std::to_string(std::stoll(QueryParam(url1, "expires")) + 3600));
  for (const std::string& bad :
       {moved, later, WithQuery(url1, "token", QueryParam(other_url, "token")),
        WithQuery(url1, "token", std::string(64, '0')), WithQuery(url1, "token", ""),
        "/api/v1/uploads/" + id + "/parts/1"})
    EXPECT_EQ(PutPart(port, bad, bad == moved ? part2 : part1).status, 403) << bad;

  auto p1 = PutPart(port, url1, part1);
  EXPECT_EQ(p1.status, 200) << p1.body;
  auto p2 = PutPart(port, url2, part2);
  EXPECT_EQ(p2.status, 200) << p2.body;
  // The URLs from the GETs work as well, side by side with the POST's.
  auto p1_again = PutPart(port, from_get[0]["url"], part1);
  EXPECT_EQ(p1_again.status, 200) << p1_again.body;
  auto done = Call(port, "POST", "/api/v1/uploads/" + id + "/complete", "{}", token);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["object"]["sha256"], Sha256Hex(wav));
  auto task = Call(port, "POST", "/api/v1/tasks", R"({"upload_id":")" + id + "\"}", token);
  EXPECT_EQ(task.status, 201) << task.body;

  // An upload started before part URLs were signed one by one (migration 0006), or by an older
  // instance during a roll-out: its single-token URLs keep working, and GET adds signed ones.
  std::string other_id = other["id"];
  auto legacy = RunCommand("sqlite3 -cmd '.timeout 10000' " +
                           ShellQuote((svc.dir() / "minutes.db").string()) +
                           " \"UPDATE uploads SET token_hash = '" + Sha256Hex("legacy-token") +
                           "', part_url_key = '' WHERE id = '" + other_id + "'\"");
  ASSERT_EQ(legacy.exit_code, 0) << legacy.output;
  auto resumed = Call(port, "GET", "/api/v1/uploads/" + other_id, "", token);
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  std::string signed_url = resumed.json()["parts"][0]["url"];
  EXPECT_NE(signed_url.find("expires="), std::string::npos) << signed_url;
  std::string quiet = QuietWav(1).substr(0, 100);
  EXPECT_EQ(PutPart(port, signed_url, quiet).status, 200);
  EXPECT_EQ(
      PutPart(port, "/api/v1/uploads/" + other_id + "/parts/1?token=legacy-token", quiet).status,
      200);
  EXPECT_EQ(PutPart(port, "/api/v1/uploads/" + other_id + "/parts/1?token=other", quiet).status,
            403);
}

// A part URL past its expiry gets the same 403 as a forged one (uploads live 3 s here).
TEST(Uploads, ExpiredPartUrlsAreRefusedLikeForgedOnes) {
  setenv("MINUTES_WORKER_TEMP_TTL_S", "3", 1);
  TestService svc("uploads-expiry", {{"alice", "acme", false}});
  unsetenv("MINUTES_WORKER_TEMP_TTL_S");
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::string quiet = QuietWav(1).substr(0, 100);
  auto fresh = Create(svc, token, "fresh.wav", 100);
  auto late = Create(svc, token, "late.wav", 100);
  EXPECT_EQ(PutPart(svc.port(), fresh["parts"][0]["url"], quiet).status, 200)
      << "valid until its expiry";
  std::string url = late["parts"][0]["url"];
  auto forged = PutPart(svc.port(), WithQuery(url, "token", std::string(64, 'f')), quiet);
  EXPECT_EQ(forged.status, 403) << forged.body;
  int64_t expires = std::stoll(QueryParam(url, "expires"));
  EXPECT_LE(expires, static_cast<int64_t>(std::time(nullptr)) + 3) << url;
  while (std::time(nullptr) <= expires) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto expired = PutPart(svc.port(), url, quiet);
  EXPECT_EQ(expired.status, 403) << expired.body;
  EXPECT_EQ(expired.json()["error"]["code"], forged.json()["error"]["code"]);
  EXPECT_EQ(expired.json()["error"]["message"], forged.json()["error"]["message"]);
}

TEST(Uploads, BadRequestsGetClearErrors) {
  TestService svc("uploads-bad", {{"alice", "acme", false}}, {"--max-upload-mb", "10"});
  std::string token = svc.Token("alice");
  auto big = Create(svc, token, "big.wav", 11u << 20, 413);
  EXPECT_NE(big.dump().find("limit"), std::string::npos) << big.dump();
  auto type = Call(svc.port(), "POST", "/api/v1/uploads",
                   R"({"filename":"a.pdf","size":10,"content_type":"application/pdf"})", token);
  EXPECT_EQ(type.status, 415) << type.body;
  auto shape = Call(svc.port(), "POST", "/api/v1/uploads", R"({"size":"ten"})", token);
  EXPECT_EQ(shape.status, 400) << shape.body;
  EXPECT_NE(shape.body.find("filename"), std::string::npos) << shape.body;
  EXPECT_EQ(Call(svc.port(), "POST", "/api/v1/uploads", R"({"filename":"a.wav","size":1})").status,
            401);
  // Not a recording: refused at completion, nothing kept.
  std::string text(3000, 'x');
  auto up = Create(svc, token, "notes.wav", text.size());
  std::string id = up["id"];
  ASSERT_EQ(PutPart(svc.port(), up["parts"][0]["url"], text).status, 200);
  auto done = Call(svc.port(), "POST", "/api/v1/uploads/" + id + "/complete", "", token);
  EXPECT_EQ(done.status, 415) << done.body;
  EXPECT_EQ(Call(svc.port(), "GET", "/api/v1/uploads/" + id, "", token).json()["state"], "aborted");
  EXPECT_EQ(RunCommand("find " + ShellQuote((svc.dir() / "objects" / "tenants").string()) +
                       " -type f 2>/dev/null | wc -l")
                .output,
            "0\n");
  // Abandoned: DELETE drops its parts.
  auto left = Create(svc, token, "left.wav", 100);
  ASSERT_EQ(PutPart(svc.port(), left["parts"][0]["url"], QuietWav(1).substr(0, 100)).status, 200);
  EXPECT_EQ(
      Call(svc.port(), "DELETE", "/api/v1/uploads/" + left["id"].get<std::string>(), "", token)
          .status,
      204);
  EXPECT_EQ(
      RunCommand("ls -A " + ShellQuote((svc.dir() / "objects" / "~uploads").string()) + " | wc -l")
          .output,
      "0\n");
  EXPECT_EQ(PutPart(svc.port(), left["parts"][0]["url"], "x").status, 409);
  auto task = Call(svc.port(), "POST", "/api/v1/tasks",
                   R"({"upload_id":")" + left["id"].get<std::string>() + "\"}", token);
  EXPECT_EQ(task.status, 409) << task.body;
}

TEST(Uploads, PresignedPartsStraightToTheBucket) {
  S3Server s3("media");
  setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
  TestService svc("uploads-s3", {{"alice", "acme", false}},
                  {"--storage", s3.Url("minutes"), "--max-upload-mb", "64"});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::string wav = Slurp(TestData("standup") / "meeting.wav");
  wav += QuietWav(300).substr(44);  // past one 8 MiB part
  // Fix the RIFF and data sizes for the longer body.
  uint32_t riff = static_cast<uint32_t>(wav.size() - 8),
           data = static_cast<uint32_t>(wav.size() - 44);
  wav.replace(4, 4, reinterpret_cast<const char*>(&riff), 4);
  wav.replace(40, 4, reinterpret_cast<const char*>(&data), 4);
  auto up = Create(svc, token, "standup.wav", wav.size());
  std::string id = up["id"];
  ASSERT_EQ(up["parts_total"], 2) << up.dump();
  nlohmann::json etags = nlohmann::json::array();
  for (int n = 1; n <= 2; ++n) {
    std::string url = up["parts"][n - 1]["url"];
    ASSERT_EQ(url.rfind(s3.endpoint(), 0), 0u) << "a presigned bucket URL: " << url;
    EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
    EXPECT_NE(url.find("uploadId="), std::string::npos);
    auto r = PutPart(svc.port(), url, wav.substr((n - 1) * (8u << 20), up["parts"][n - 1]["size"]));
    ASSERT_EQ(r.status, 200) << r.body;
    etags.push_back({{"number", n}, {"etag", r.headers["ETag"]}});
  }
  // s3rver has no ListParts: the upload says so, and the client completes with its ETags.
  auto status = Call(svc.port(), "GET", "/api/v1/uploads/" + id, "", token);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_TRUE(status.json()["parts_received"].is_null()) << status.body;
  auto done = Call(svc.port(), "POST", "/api/v1/uploads/" + id + "/complete",
                   nlohmann::json{{"parts", etags}}.dump(), token);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["object"]["sha256"], Sha256Hex(wav));
  auto task = Call(svc.port(), "POST", "/api/v1/tasks", R"({"upload_id":")" + id + "\"}", token);
  ASSERT_EQ(task.status, 201) << task.body;
  std::string tid = task.json()["id"];
  auto t = svc.WaitDone(tid, token, 300);
  EXPECT_EQ(t["state"], "succeeded") << t.dump();
  auto txt = Call(svc.port(), "GET", "/api/v1/tasks/" + tid + "/transcript?format=txt", "", token);
  EXPECT_GT(txt.body.size(), 50u) << txt.body;
  // Audio downloads may go straight to the bucket.
  auto redirect =
      Call(svc.port(), "GET", "/api/v1/tasks/" + tid + "/audio?redirect=true", "", token);
  EXPECT_EQ(redirect.status, 302) << redirect.body;
  std::string location = redirect.headers["Location"];
  ASSERT_EQ(location.rfind(s3.endpoint(), 0), 0u) << location;
  Poco::URI uri(location);
  auto fetched = Call(uri.getPort(), "GET", uri.getPathAndQuery());
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(Sha256Hex(fetched.body), Sha256Hex(wav));
}

}  // namespace
}  // namespace minutes
