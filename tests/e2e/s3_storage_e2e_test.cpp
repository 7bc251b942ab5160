// The service on S3-compatible storage: `storage: {url: s3://…, access_key, secret_key}` in the
// config file, against s3rver started by the test. Uploads (single and multipart), the worker's
// fetch, ranged audio, deletion and readiness all go through the bucket.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_command.hpp"
#include "s3_server.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Files s3rver holds under the bucket's "minutes/" prefix (objects only, not its metadata).
size_t ObjectsOnServer(const S3Server& s3) {
  size_t n = 0;
  fs::path root = s3.data_dir() / "media" / "minutes";
  if (!fs::exists(root)) return 0;
  for (auto& e : fs::recursive_directory_iterator(root))
    n += e.path().string().ends_with("._S3rver_object") ? 1 : 0;
  return n;
}

TEST(S3Storage, TheServiceRunsOnABucket) {
  S3Server s3("media");
  fs::path cfg =
      fs::temp_directory_path() / ("minutes-s3-e2e-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "storage:\n  url: " << s3.Url("minutes")
                     << "\n  access_key: ${TEST_S3_KEY}\n  secret_key: ${TEST_S3_KEY}\n"
                     << "server: {max_upload_mb: 64}\n";
  setenv("TEST_S3_KEY", "S3RVER", 1);  // inherited by the server: the ${VAR} is resolved there
  TestService svc("s3e2e", {{"alice", "acme", false}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  auto ready = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["components"]["storage"]["status"], "ok");
  EXPECT_EQ(ready.json()["components"]["storage"]["backend"], "s3");
  std::string token = svc.Token("alice");

  // A meeting: stored in the bucket, transcribed by the worker from there.
  std::string wav = Slurp(TestData("standup") / "meeting.wav");
  auto up = Call(svc.port(), "POST", "/api/v1/tasks?title=standup", wav, token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  EXPECT_EQ(ObjectsOnServer(s3), 1u);
  auto done = svc.WaitDone(id, token, 180);
  EXPECT_EQ(done["state"], "succeeded") << done.dump();
  auto transcript =
      Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", token);
  EXPECT_EQ(transcript.status, 200);
  EXPECT_GT(transcript.body.size(), 50u) << transcript.body;
  auto range = Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/audio", "", token, "",
                    {{"Range", "bytes=100-199"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, wav.substr(100, 100));

  // Deleting the finished task removes its recording from the bucket.
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + id, "", token).status / 100, 2);
  EXPECT_EQ(ObjectsOnServer(s3), 0u);
  fs::remove(cfg);
}

TEST(S3Storage, LargeRecordingsGoUpInParts) {
  S3Server s3("media");
  fs::path cfg =
      fs::temp_directory_path() / ("minutes-s3-big-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "storage:\n  url: " << s3.Url("minutes")
                     << "\n  access_key: S3RVER\n  secret_key: S3RVER\n"
                     << "server: {max_upload_mb: 64, workers: 0}\n";
  TestService svc("s3big", {{"alice", "acme", false}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  // A recording bigger than one part goes up as a multipart upload and comes back whole.
  fs::path big =
      fs::temp_directory_path() / ("minutes-s3-big-" + std::to_string(getpid()) + ".wav");
  // 96 kHz 24-bit stereo: over 10 MB in 20 s of audio, so the worker has little to transcribe.
  ASSERT_EQ(RunCommand("sox -n -r 96000 -c 2 -b 24 " + ShellQuote(big.string()) +
                       " synth 20 sine 300 vol 0.1")
                .exit_code,
            0);
  std::string big_bytes = Slurp(big);
  fs::remove(big);
  ASSERT_GT(big_bytes.size(), 10u << 20);
  auto up2 = Call(svc.port(), "POST", "/api/v1/tasks?title=big", big_bytes, token, "audio/wav");
  ASSERT_EQ(up2.status, 201) << up2.body;
  std::string id2 = up2.json()["id"];
  auto whole = Call(svc.port(), "GET", "/api/v1/tasks/" + id2 + "/audio", "", token);
  EXPECT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == big_bytes) << "multipart object differs from the upload";
  // Queued (no workers here): the first DELETE cancels, the second removes it and its object.
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + id2, "", token).status / 100, 2);
  EXPECT_EQ(Call(svc.port(), "DELETE", "/api/v1/tasks/" + id2, "", token).status / 100, 2);
  EXPECT_EQ(ObjectsOnServer(s3), 0u);

  fs::remove(cfg);
}

TEST(S3Storage, AnUnreachableBucketMakesTheServiceUnready) {
  fs::path cfg =
      fs::temp_directory_path() / ("minutes-s3-down-" + std::to_string(getpid()) + ".yaml");
  int port = FreeLoopbackPort();  // nothing listens there
  std::ofstream(cfg) << "storage:\n  url: s3://media?endpoint=http://127.0.0.1:" << port
                     << "&path_style=true\n  access_key: k\n  secret_key: s\n";
  TestService svc("s3down", {{"bob", "acme", false}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  auto ready = Call(svc.port(), "GET", "/health/ready");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.json()["components"]["storage"]["status"], "error");
  EXPECT_EQ(ready.json()["components"]["database"]["status"], "ok");
  fs::remove(cfg);
}

}  // namespace
}  // namespace minutes
