// Job kind "minutes" (worker/minutes_job.cpp) and who writes a job's minutes
// (worker/minutes_generation.cpp), on SQLite with in-process language models: no sockets.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "llm/call_capture.hpp"
#include "llm/model_chain.hpp"
#include "minutes/tenant_templates.hpp"
#include "store/minutes_versions.hpp"
#include "store/transcripts.hpp"
#include "worker/minutes_generation.hpp"
#include "worker/scratch_backends_test.hpp"
#include "worker/worker.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

// A model answering `reply` (or failing with BadInput when it is empty), counting its calls.
class ScriptedModel : public LanguageModel {
 public:
  ScriptedModel(std::string name, std::string reply)
      : name_(std::move(name)), reply_(std::move(reply)) {}
  std::string Name() const override { return name_; }
  Result<Completion> Complete(const CompletionRequest&) override {
    ++calls;
    if (reply_.empty()) return Status::BadInput("the model refused");
    Completion c;
    c.text = reply_;
    c.model = name_.substr(name_.find(':') + 1);
    c.provider = name_.substr(0, name_.find(':'));
    c.tokens_in = 2000;
    c.tokens_out = 500;
    return c;
  }
  int calls = 0;

 private:
  std::string name_, reply_;
};

const char* const kMinutes = R"({"title":"Release plan","summary":["Ship on Friday."],
  "decisions":[{"text":"Ship on Friday","speaker":"S1","segment":"seg-0001"}],
  "action_items":[],"topics":["release"]})";

// Tenant acme (admin boss) with task t1, its transcript stored; a job for minutes version 2.
class MinutesJob : public ScratchBackends {
 protected:
  MinutesJob() : ScratchBackends("boss") {}
  void SetUp() override {
    ScratchBackends::SetUp();
    for (const char* sql :
         {"INSERT INTO tasks (id, tenant_id, user_id, state, created_at, updated_at) VALUES "
          "('t1', 'acme', 'boss', 'succeeded', 'x', 'x')"})
      ASSERT_TRUE(db_->Exec(sql).ok()) << sql;
    Transcript tr;
    tr.duration = 20;
    tr.segments = {{"seg-0001", "S1", 0, 6, "We decided to ship the release on Friday.", {}},
                   {"seg-0002", "S2", 6, 12, "Bob will write the release notes by Thursday.", {}},
                   {"seg-0003", "S1", 12, 20, "Then we are done for today.", {}}};
    ASSERT_TRUE(ReplaceTranscript(*db_, "t1", tr, "pocketsphinx").ok());
    config_.prices = {{"fake.m1.input_1k_tokens", 1.0}, {"fake.m1.output_1k_tokens", 2.0}};
    options_.config = &config_;
  }
  static Job MinutesJobFor(const std::string& payload) {
    Job j;
    j.id = "j1";
    j.task_id = "t1";
    j.kind = "minutes";
    j.payload = payload;
    return j;
  }
  // A chain of `models` reporting its calls as the service's does (cli/backends.cpp).
  static std::shared_ptr<ModelChain> Chain(std::vector<std::shared_ptr<LanguageModel>> models) {
    std::vector<ChainLink> links;
    for (auto& m : models) links.push_back({m, 0});
    auto chain = std::make_shared<ModelChain>(links);
    chain->OnCall(ForwardProviderCall);
    return chain;
  }
  MinutesVersion Version(int64_t v) {
    auto found = FindMinutesVersion(*db_, "t1", v);
    EXPECT_TRUE(found.ok() && found->has_value()) << "no version " << v;
    return found.ok() && *found ? **found : MinutesVersion{};
  }
  // "provider model outcome cost" of each provider call in the cost log.
  std::vector<std::string> Charges() {
    auto rows = db_->Query(
        "SELECT provider, model, outcome, cost, target, tenant_id, user_id FROM audit_logs WHERE "
        "action = 'provider.call' ORDER BY id");
    EXPECT_TRUE(rows.ok());
    std::vector<std::string> out;
    for (auto& r : *rows) {
      EXPECT_EQ(AsString(r[4]) + " " + AsString(r[5]) + " " + AsString(r[6]), "t1 acme boss");
      char cost[32];
      std::snprintf(cost, sizeof cost, "%.2f", std::get<double>(r[3]));
      out.push_back(AsString(r[0]) + " " + AsString(r[1]) + " " + AsString(r[2]) + " " + cost);
    }
    return out;
  }
  Config config_;
  WorkerOptions options_;
};

TEST_F(MinutesJob, WritesTheVersionWithTheTenantsCurrentTemplate) {
  ASSERT_TRUE(PutTemplateVersion(*db_, {"acme", "boss", true}, "team", "v1 {{title}}").ok());
  ASSERT_TRUE(PutTemplateVersion(*db_, {"acme", "boss", true}, "team", "v2 {{title}}").ok());
  ASSERT_TRUE(ProcessMinutesJob(*db_, *store_, MinutesJobFor(R"({"template":"team","version":2})"),
                                options_)
                  .ok());
  MinutesVersion v = Version(2);
  EXPECT_EQ(v.template_name, "team");
  EXPECT_EQ(v.template_body, std::optional<std::string>("v2 {{title}}"));
  EXPECT_EQ(v.template_version, std::optional<int64_t>(2));
  EXPECT_EQ(v.generator, "extractive");
  EXPECT_EQ(v.repairs_json, "[]");
  auto doc = nlohmann::json::parse(v.minutes_json);
  EXPECT_FALSE(doc["summary"].empty()) << v.minutes_json;
  EXPECT_TRUE(Charges().empty());  // the extractive generator is charged with transcriptions

  // A template deleted since the job was queued: the tenant's default (the built-in here).
  ASSERT_TRUE(ProcessMinutesJob(*db_, *store_, MinutesJobFor(R"({"template":"gone","version":3})"),
                                options_)
                  .ok());
  EXPECT_EQ(Version(3).template_name, "default");
  EXPECT_EQ(Version(3).template_version, std::optional<int64_t>(0));
}

// A redelivered job whose version is written stops there: the models are not called again and
// the version stays as it was.
TEST_F(MinutesJob, ARedeliveredJobWritesNothingAgain) {
  auto model = std::make_shared<ScriptedModel>("fake:m1", kMinutes);
  options_.llm = Chain({model});
  const Job job = MinutesJobFor(R"({"template":"brief","version":2})");
  ASSERT_TRUE(ProcessMinutesJob(*db_, *store_, job, options_).ok());
  ASSERT_TRUE(ProcessMinutesJob(*db_, *store_, job, options_).ok());
  EXPECT_EQ(model->calls, 1);
  EXPECT_EQ(Charges().size(), 1u);
  auto rows = db_->Query("SELECT count(*) FROM artifacts WHERE task_id = 't1'");
  EXPECT_EQ(AsInt((*rows)[0][0]), 1);
}

TEST_F(MinutesJob, ABadPayloadIsBadInputAndNoTranscriptIsNotFound) {
  EXPECT_EQ(
      ProcessMinutesJob(*db_, *store_, MinutesJobFor(R"({"template":"brief"})"), options_).kind(),
      ErrorKind::kBadInput);
  EXPECT_EQ(ProcessMinutesJob(*db_, *store_, MinutesJobFor("[]"), options_).kind(),
            ErrorKind::kBadInput);
  ASSERT_TRUE(db_->Exec("DELETE FROM transcripts").ok());
  EXPECT_EQ(ProcessMinutesJob(*db_, *store_, MinutesJobFor(R"({"template":"brief","version":2})"),
                              options_)
                .kind(),
            ErrorKind::kNotFound);
}

// The model's minutes, stored by speaker id, and its call in the cost log priced for the task.
TEST_F(MinutesJob, AModelsMinutesAreChargedToTheTask) {
  ASSERT_TRUE(db_->Exec("INSERT INTO speaker_names (task_id, speaker, name) VALUES ('t1', 'S1', "
                        "'Ana')")
                  .ok());
  options_.llm = Chain({std::make_shared<ScriptedModel>("fake:m1", kMinutes)});
  ASSERT_TRUE(ProcessMinutesJob(*db_, *store_, MinutesJobFor(R"({"template":"brief","version":2})"),
                                options_)
                  .ok());
  MinutesVersion v = Version(2);
  EXPECT_EQ(v.generator, "fake:m1");
  auto doc = nlohmann::json::parse(v.minutes_json);
  EXPECT_EQ(doc["title"], "Release plan");
  for (auto& sp : doc["speakers"]) EXPECT_EQ(sp["name"], sp["id"]) << v.minutes_json;
  EXPECT_EQ(Charges(), std::vector<std::string>{"fake m1 ok 3.00"});  // 2 × 1.0 + 0.5 × 2.0
}

// Every model failing: the extractive generator writes the minutes, and the failed call is in
// the cost log, free.
TEST_F(MinutesJob, AFailingModelFallsBackToTheExtractiveGenerator) {
  options_.llm = Chain({std::make_shared<ScriptedModel>("fake:m1", "")});
  ASSERT_TRUE(ProcessMinutesJob(*db_, *store_, MinutesJobFor(R"({"template":"brief","version":2})"),
                                options_)
                  .ok());
  EXPECT_EQ(Version(2).generator, "extractive");
  EXPECT_EQ(Charges(), std::vector<std::string>{"fake m1 failed 0.00"});
}

// The tenant's choice of language model provider is tried first.
TEST_F(MinutesJob, TheTenantsProviderIsAskedFirst) {
  auto first = std::make_shared<ScriptedModel>("fake:m1", kMinutes);
  auto chosen = std::make_shared<ScriptedModel>("other:m2", kMinutes);
  options_.llm = Chain({first, chosen});
  ASSERT_TRUE(db_->Exec("UPDATE tenants SET llm_provider = 'other' WHERE id = 'acme'").ok());
  auto written = WriteMinutes(*db_, options_, "t1", *LoadTranscript(*db_, "t1"), "brief");
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->generator, "other:m2");
  EXPECT_EQ(first->calls, 0);
  EXPECT_EQ(chosen->calls, 1);
  EXPECT_EQ(Charges(), std::vector<std::string>{"other m2 ok 0.00"});
}

}  // namespace
}  // namespace minutes
