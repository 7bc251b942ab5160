// The tasks, jobs and hotwords repositories on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/hotwords.hpp"
#include "store/jobs.hpp"
#include "store/tasks.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class TasksContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddUser("alice", "acme", "member");
    AddObject("o1", "acme", "tenants/acme/recordings/o1");
    AddTask("t1", "acme", "alice", "o1");
  }
  TaskRow Task(const std::string& id = "t1") {
    auto t = FindTaskRow(*db_, id);
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() && *t ? **t : TaskRow{};
  }
};

TEST_P(TasksContract, FindTaskRowReadsEveryColumn) {
  Exec(
      "INSERT INTO hotword_sets (id, tenant_id, name, created_at) VALUES ('h1', 'acme', 'j', "
      "'x')");
  Exec(
      "UPDATE tasks SET title = 'Standup ''24', stage = 'transcribe', progress = 0.25, attempts "
      "= 2, error = 'boom', template = 'brief', hotword_set_id = 'h1', speakers = 3, language = "
      "'zh', engine = 'whisper:base' WHERE id = 't1'");
  TaskRow t = Task();
  EXPECT_EQ(t.id, "t1");
  EXPECT_EQ(t.tenant_id, "acme");
  EXPECT_EQ(t.user_id, "alice");
  EXPECT_EQ(t.title, "Standup '24");
  EXPECT_EQ(t.object_id, std::optional<std::string>("o1"));
  EXPECT_EQ(t.state, "queued");
  EXPECT_EQ(t.stage, "transcribe");
  EXPECT_DOUBLE_EQ(t.progress, 0.25);
  EXPECT_EQ(t.attempts, 2);
  EXPECT_EQ(t.error, std::optional<std::string>("boom"));
  EXPECT_EQ(t.template_name, "brief");
  EXPECT_EQ(t.hotword_set_id, std::optional<std::string>("h1"));
  EXPECT_EQ(t.speakers, 3);
  EXPECT_EQ(t.language, "zh");
  EXPECT_EQ(t.engine, "whisper:base");
  EXPECT_EQ(t.created_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(t.updated_at, "2026-01-01T00:00:00Z");

  AddTask("t2", "acme", "alice", "");  // defaults, and NULLs as nullopt
  TaskRow bare = Task("t2");
  EXPECT_FALSE(bare.object_id.has_value());
  EXPECT_FALSE(bare.error.has_value());
  EXPECT_FALSE(bare.hotword_set_id.has_value());
  EXPECT_EQ(bare.template_name, "default");
  EXPECT_EQ(bare.engine, "auto");
  EXPECT_EQ(bare.language, "en");

  auto missing = FindTaskRow(*db_, "nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(TasksContract, TranscribeWorkJoinsTheRecordingAndTheTenantsEngine) {
  Exec(
      "UPDATE tenants SET asr_engine = 'speaches:whisper-1', llm_provider = 'gemini' WHERE id = "
      "'acme'");
  Exec("UPDATE tasks SET speakers = 2, language = 'de', template = 'brief' WHERE id = 't1'");
  auto w = FindTranscribeWork(*db_, "t1");
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_TRUE(w->has_value());
  EXPECT_EQ((*w)->state, "queued");
  EXPECT_EQ((*w)->storage_key, "tenants/acme/recordings/o1");
  EXPECT_EQ((*w)->filename, "o1.wav");
  EXPECT_EQ((*w)->template_name, "brief");
  EXPECT_EQ((*w)->hotword_set_id, "");  // NULL: none
  EXPECT_EQ((*w)->speakers, 2);
  EXPECT_EQ((*w)->language, "de");
  EXPECT_EQ((*w)->engine, "auto");
  EXPECT_EQ((*w)->tenant_asr_engine, "speaches:whisper-1");

  auto tenant = FindTaskTenant(*db_, "t1");
  ASSERT_TRUE(tenant.ok() && tenant->has_value());
  EXPECT_EQ((*tenant)->tenant_id, "acme");
  EXPECT_EQ((*tenant)->asr_engine, "speaches:whisper-1");
  EXPECT_EQ((*tenant)->llm_provider, "gemini");
  EXPECT_FALSE(FindTaskTenant(*db_, "nope")->has_value());

  AddTask("t2", "acme", "alice", "");  // no recording: no work
  EXPECT_FALSE(FindTranscribeWork(*db_, "t2")->has_value());
}

TEST_P(TasksContract, AJobsLifeOnItsTask) {
  ASSERT_TRUE(MarkTaskProcessing(*db_, "t1").ok());
  ASSERT_TRUE(MarkTaskProcessing(*db_, "t1").ok());
  EXPECT_EQ(Task().state, "processing");
  EXPECT_EQ(Task().attempts, 2);
  EXPECT_NE(Task().updated_at, "2026-01-01T00:00:00Z");

  ASSERT_TRUE(SetTaskProgress(*db_, "t1", "diarize", 0.5).ok());
  EXPECT_EQ(Task().stage, "diarize");
  EXPECT_DOUBLE_EQ(Task().progress, 0.5);

  ASSERT_TRUE(RecordTaskFailure(*db_, "t1", false, "try again").ok());
  EXPECT_EQ(Task().state, "queued");
  EXPECT_EQ(Task().error, std::optional<std::string>("try again"));

  ASSERT_TRUE(db_->Transaction([](Database& tx) { return MarkTaskSucceeded(tx, "t1"); }).ok());
  TaskRow done = Task();
  EXPECT_EQ(done.state, "succeeded");
  EXPECT_EQ(done.stage, "done");
  EXPECT_DOUBLE_EQ(done.progress, 1);
  EXPECT_FALSE(done.error.has_value());

  ASSERT_TRUE(RecordTaskFailure(*db_, "t1", true, "gave up").ok());
  EXPECT_EQ(Task().state, "failed");
  EXPECT_EQ(Task().error, std::optional<std::string>("gave up"));
}

TEST_P(TasksContract, ARequeueTakesOnlyProcessingTasksBack) {
  ASSERT_TRUE(MarkTaskProcessing(*db_, "t1").ok());
  ASSERT_TRUE(SetTaskProgress(*db_, "t1", "transcribe", 0.3).ok());
  ASSERT_TRUE(RequeueProcessingTask(*db_, "t1").ok());
  EXPECT_EQ(Task().state, "queued");
  EXPECT_EQ(Task().stage, "");
  Exec("UPDATE tasks SET state = 'succeeded' WHERE id = 't1'");
  ASSERT_TRUE(RequeueProcessingTask(*db_, "t1").ok());
  EXPECT_EQ(Task().state, "succeeded");
}

TEST_P(TasksContract, ACanceledTaskStaysCanceled) {
  Exec("UPDATE tasks SET state = 'canceled' WHERE id = 't1'");
  ASSERT_TRUE(MarkTaskProcessing(*db_, "t1").ok());
  ASSERT_TRUE(RecordTaskFailure(*db_, "t1", true, "late").ok());
  TaskRow t = Task();
  EXPECT_EQ(t.state, "canceled");
  EXPECT_EQ(t.attempts, 0);
  EXPECT_FALSE(t.error.has_value());
}

TEST_P(TasksContract, JobsAreCountedByLaneAndState) {
  int n = 0;
  for (auto [lane, state] : {std::pair{"heavy", "ready"}, std::pair{"heavy", "ready"},
                             std::pair{"heavy", "leased"}, std::pair{"light", "dead"}})
    Exec(
        "INSERT INTO jobs (id, task_id, kind, state, run_after, created_at, tenant_id, lane) "
        "VALUES (?, 't1', 'transcribe', ?, 'x', 'x', 'acme', ?)",
        {"j" + std::to_string(++n), std::string(state), std::string(lane)});
  auto counts = CountJobs(*db_);
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  std::map<std::string, int64_t> by;
  for (const JobCount& c : *counts) by[c.lane + "/" + c.state] = c.count;
  EXPECT_EQ(by, (std::map<std::string, int64_t>{
                    {"heavy/leased", 1}, {"heavy/ready", 2}, {"light/dead", 1}}));
}

TEST_P(TasksContract, HotwordsComeHeaviestFirstAndUnweightedLast) {
  Exec(
      "INSERT INTO hotword_sets (id, tenant_id, name, created_at) VALUES ('h1', 'acme', 'j', "
      "'x')");
  Exec(
      "INSERT INTO hotword_sets (id, tenant_id, name, created_at) VALUES ('h2', 'acme', 'k', "
      "'x')");
  for (auto [word, weight] : {std::pair{"zeta", DbValue(2.0)}, std::pair{"beta", DbValue(nullptr)},
                              std::pair{"alpha", DbValue(nullptr)},
                              std::pair{"gamma", DbValue(2.0)}, std::pair{"delta", DbValue(5.0)}})
    Exec("INSERT INTO hotwords (set_id, word, weight) VALUES ('h1', ?, ?)",
         {std::string(word), weight});
  Exec("INSERT INTO hotwords (set_id, word, weight) VALUES ('h2', 'other', 9)");
  auto words = HotwordsOfSet(*db_, "h1");
  ASSERT_TRUE(words.ok()) << words.status().message();
  EXPECT_EQ(*words, (std::vector<std::string>{"delta", "gamma", "zeta", "alpha", "beta"}));
  EXPECT_TRUE(HotwordsOfSet(*db_, "none")->empty());
}

STORE_CONTRACT(TasksContract);

}  // namespace
}  // namespace minutes::testing
