// Whole-recording speech providers through the real service, with the recordings in a real
// S3-compatible store: Amazon Transcribe first (its signatures verified), Volcano Engine as
// failover, the embedded engine last. A tenant's admin picks the tenant's engine, a task can
// pick its own, only configured names are accepted, a failing provider fails over, and every
// engine tried is in the audit log with its outcome.
#include <gtest/gtest.h>

#include <fstream>

#include "fake_transcribe_server.hpp"
#include "fake_volcengine_server.hpp"
#include "run_command.hpp"
#include "s3_server.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

const AwsCredentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

class ProviderChoice : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("AWS_ACCESS_KEY_ID", kCreds.access_key.c_str(), 1);  // inherited by the server
    setenv("AWS_SECRET_ACCESS_KEY", kCreds.secret_key.c_str(), 1);
    aws_.script = ScriptFromReference((TestData("standup") / "reference.json").string(), "spk_");
    volc_.script = ScriptFromReference((TestData("standup") / "reference.json").string(), "");
    cfg_ = fs::temp_directory_path() / ("minutes-choice-" + std::to_string(getpid()) + ".yaml");
    std::ofstream(cfg_) << "storage:\n  url: \"" << s3_.Url("recordings")
                        << "\"\n  access_key: S3RVER\n  secret_key: S3RVER\n"
                        << "asr:\n  engine: \"transcribe://us-east-1?name=aws&endpoint="
                        << aws_.Endpoint() << "&poll_s=0.05&poll_max_s=0.1&backoff_s=0.01\"\n"
                        << "  fallback:\n    - \"" << volc_.Url("4512", "volc-token")
                        << "?poll_s=0.05\"\n    - pocketsphinx\n";
    svc_ = std::make_unique<TestService>(
        "choice",
        std::vector<std::tuple<std::string, std::string, bool>>{
            {"alice", "acme", true}, {"bob", "acme", false}, {"carol", "globex", true}},
        std::vector<std::string>{"--config", cfg_.string()});
    ASSERT_GT(svc_->port(), 0);
    std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
    wav_.assign(std::istreambuf_iterator<char>(in), {});
  }
  void TearDown() override {
    svc_.reset();
    fs::remove(cfg_);
  }
  // Uploads the standup meeting and waits for it; the finished task.
  nlohmann::json Run(const std::string& token, const std::string& query = "") {
    auto up = Call(svc_->port(), "POST", "/api/v1/tasks" + query, wav_, token, "audio/wav");
    EXPECT_EQ(up.status, 201) << up.body;
    if (up.status != 201) return {};
    return svc_->WaitDone(up.json()["id"], token, 240);
  }
  std::string Sql(const std::string& q) {
    return RunCommand("sqlite3 " + ShellQuote((svc_->dir() / "minutes.db").string()) + " " +
                      ShellQuote(q))
        .output;
  }
  S3Server s3_{"media"};
  FakeTranscribeServer aws_{kCreds, "us-east-1", s3_.endpoint()};
  FakeVolcengineServer volc_{"4512", "volc-token"};
  fs::path cfg_;
  std::unique_ptr<TestService> svc_;
  std::string wav_;
};

TEST_F(ProviderChoice, TenantsAndTasksPickTheirEngineAndFailuresFailOver) {
  std::string alice = svc_->Token("alice"), bob = svc_->Token("bob"), carol = svc_->Token("carol");
  // The configured order: Amazon Transcribe, with its own speaker labels.
  auto t = Run(alice);
  ASSERT_EQ(t["state"], "succeeded") << t.dump();
  EXPECT_EQ(t["engine"], "auto");
  EXPECT_EQ(t["engine_used"], "aws:batch");
  std::string id = t["id"];
  auto tr = Call(svc_->port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=json", "", alice)
                .json();
  EXPECT_EQ(tr["speakers"].size(), 3u) << "the provider's speakers";
  auto txt = Call(svc_->port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", alice);
  EXPECT_NE(txt.body.find("Good morning everyone."), std::string::npos) << txt.body;

  // What the tenant may choose; only admins choose, and only configured names.
  auto tenant = Call(svc_->port(), "GET", "/api/v1/tenant", "", bob);
  ASSERT_EQ(tenant.status, 200) << tenant.body;
  EXPECT_EQ(tenant.json()["asr_engines"],
            nlohmann::json({"auto", "aws", "volcengine", "pocketsphinx", "whisper"}));
  EXPECT_EQ(tenant.json()["asr_engine"], "auto");
  EXPECT_EQ(
      Call(svc_->port(), "PATCH", "/api/v1/tenant", R"({"asr_engine":"volcengine"})", bob).status,
      403);
  auto bad = Call(svc_->port(), "PATCH", "/api/v1/tenant", R"({"asr_engine":"wav2letter"})", alice);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("choose from: auto, aws, volcengine, pocketsphinx, whisper"),
            std::string::npos)
      << bad.body;
  auto set = Call(svc_->port(), "PATCH", "/api/v1/tenant", R"({"asr_engine":"volcengine"})", alice);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["asr_engine"], "volcengine");

  // The tenant's choice applies to its tasks, not to another tenant's.
  auto v = Run(bob);
  ASSERT_EQ(v["state"], "succeeded") << v.dump();
  EXPECT_EQ(v["engine_used"], "volcengine:bigmodel");
  auto other = Run(carol);
  EXPECT_EQ(other["engine_used"], "aws:batch");
  // A task's own choice wins; an unknown one is refused before anything is stored.
  auto own = Run(bob, "?engine=aws");
  EXPECT_EQ(own["engine"], "aws");
  EXPECT_EQ(own["engine_used"], "aws:batch");
  auto refused =
      Call(svc_->port(), "POST", "/api/v1/tasks?engine=openai+http://evil", wav_, bob, "audio/wav");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("is not configured here"), std::string::npos) << refused.body;

  // Transcribe fails its jobs: the task still succeeds on the next engine, and both tries
  // are audited with their outcome.
  aws_.fail_jobs_with = "Internal failure. Try your request again.";
  auto over = Run(carol);
  ASSERT_EQ(over["state"], "succeeded") << over.dump();
  EXPECT_EQ(over["engine_used"], "volcengine:bigmodel");
  std::string over_id = over["id"];
  EXPECT_EQ(Sql("SELECT provider, outcome, audio_seconds > 30 FROM audit_logs WHERE action = "
                "'provider.call' AND target = '" +
                over_id + "' AND provider IN ('aws', 'volcengine') ORDER BY id"),
            "aws|failed|0\nvolcengine|ok|1\n");
  EXPECT_TRUE(aws_.violations().empty()) << aws_.violations()[0];
  EXPECT_TRUE(volc_.violations().empty()) << volc_.violations()[0];
  // No staged audio is left in the bucket (only the recordings themselves).
  auto left =
      RunCommand("find " + ShellQuote(s3_.data_dir().string()) + " -path '*asr-media*' -type f");
  EXPECT_EQ(left.output, "") << left.output;
}

}  // namespace
}  // namespace minutes
