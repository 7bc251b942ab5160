// Tasks as the routes show them (store/task_views.hpp) on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/jobs.hpp"
#include "store/minutes_versions.hpp"
#include "store/task_views.hpp"
#include "store/transcripts.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

TaskListFilter TaskFilterOf(const std::string& tenant_id, std::optional<std::string> state,
                            const std::string& text = "") {
  TaskListFilter f;
  f.tenant_id = tenant_id, f.state = std::move(state), f.text = text;
  return f;
}

class TaskViewsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddTenant("evil");
    AddUser("alice", "acme", "member");
    AddUser("eve", "evil", "member");
    AddObject("o1", "acme", "tenants/acme/recordings/o1");
    AddTask("t1", "acme", "alice", "o1", "succeeded");
    AddTask("t2", "acme", "alice", "", "queued");
    AddTask("t3", "evil", "eve", "", "processing");
    Exec("UPDATE tasks SET title = 'Board 100% Review', created_at = '2026-01-02' WHERE id = 't2'");
    Exec(
        "INSERT INTO transcripts (task_id, duration, language, engine, created_at) VALUES ('t1', "
        "61.5, 'en', 'whisper', 'x')");
    Exec(
        "INSERT INTO segments (task_id, seq, id, speaker, start_s, end_s, text) VALUES ('t1', 0, "
        "'seg-1', 'S1', 0, 1, 'We ship the Widget')");
  }
};

TEST_P(TaskViewsContract, ATaskWithItsRecordingAndTranscript) {
  auto t = FindTenantTaskView(*db_, "t1", "acme");
  ASSERT_TRUE(t.ok() && *t) << t.status().message();
  EXPECT_EQ((*t)->state, "succeeded");
  EXPECT_EQ((*t)->filename, "o1.wav");
  EXPECT_EQ((*t)->size, 1);
  EXPECT_EQ((*t)->duration, 61.5);
  EXPECT_EQ((*t)->engine_used, "whisper");
  EXPECT_EQ((*t)->engine, "auto");
  EXPECT_EQ((*t)->template_name, "default");
  EXPECT_DOUBLE_EQ((*t)->progress, 0);
  EXPECT_FALSE((*t)->error.has_value());
  EXPECT_FALSE((*t)->format.has_value());
  auto bare = FindTenantTaskView(*db_, "t2", "acme");
  ASSERT_TRUE(bare.ok() && *bare);
  EXPECT_EQ((*bare)->filename, "");  // no recording
  EXPECT_FALSE((*bare)->duration.has_value());
  EXPECT_FALSE((*bare)->engine_used.has_value());
  EXPECT_FALSE(FindTenantTaskView(*db_, "t3", "acme")->has_value());  // another tenant's
  auto some = FindTaskViews(*db_, {"t3", "t1", "gone"});
  ASSERT_TRUE(some.ok()) << some.status().message();
  EXPECT_EQ(some->size(), 2u);
  auto recording = FindTenantTaskRecording(*db_, "t1", "acme");
  ASSERT_TRUE(recording.ok() && *recording);
  EXPECT_EQ((*recording)->storage_key, "tenants/acme/recordings/o1");
  EXPECT_EQ((*recording)->content_type, "audio/wav");
  EXPECT_FALSE(FindTenantTaskRecording(*db_, "t2", "acme")->has_value());
}

TEST_P(TaskViewsContract, TheTenantsTasksPagedAndSearched) {
  TaskListFilter all = TaskFilterOf("acme", std::nullopt);
  EXPECT_EQ(*CountTenantTasks(*db_, all), 2);
  auto page = ListTenantTasks(*db_, all, 1, 0);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, "t2");  // newest first
  TaskListFilter queued = TaskFilterOf("acme", "queued");
  EXPECT_EQ(*CountTenantTasks(*db_, queued), 1);
  // Any case, in the title or the transcript; % matches itself.
  for (auto [text, id] : {std::pair{"widget", "t1"}, std::pair{"100% r", "t2"}}) {
    TaskListFilter found = TaskFilterOf("acme", std::nullopt, text);
    auto tasks = ListTenantTasks(*db_, found, 10, 0);
    ASSERT_TRUE(tasks.ok()) << tasks.status().message();
    ASSERT_EQ(tasks->size(), 1u) << text;
    EXPECT_EQ((*tasks)[0].id, id);
  }
  TaskListFilter none = TaskFilterOf("acme", std::nullopt, "1000%");
  EXPECT_EQ(*CountTenantTasks(*db_, none), 0);
}

TEST_P(TaskViewsContract, CancelDeleteAndNameSpeakers) {
  Exec(
      "INSERT INTO jobs (id, task_id, kind, state, run_after, created_at) VALUES ('j1', 't2', "
      "'transcribe', 'ready', 'x', 'x')");
  ASSERT_TRUE(CancelTask(*db_, "t2", "alice", "2026-02-01").ok());
  ASSERT_TRUE(CancelTask(*db_, "t1", "alice", "2026-02-01").ok());  // finished: untouched
  EXPECT_EQ(**FindTaskState(*db_, "t2"), "canceled");
  EXPECT_EQ(**FindTaskState(*db_, "t1"), "succeeded");
  EXPECT_EQ((*FindTenantTaskView(*db_, "t2", "acme"))->error, "canceled by alice");
  ASSERT_TRUE(RetireReadyJobs(*db_, "t2").ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM jobs WHERE state = 'done'"), 1);

  ASSERT_TRUE(SetSpeakerName(*db_, "t1", "S1", "Ann").ok());
  ASSERT_TRUE(SetSpeakerName(*db_, "t1", "S1", "Bea").ok());
  ASSERT_TRUE(SetSpeakerName(*db_, "t1", "S2", "Cy").ok());
  ASSERT_TRUE(ClearSpeakerName(*db_, "t1", "S2").ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM speaker_names WHERE name = 'Bea'"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM speaker_names"), 1);

  auto objects = FindTaskObjects(*db_, "t1");
  ASSERT_TRUE(objects.ok()) << objects.status().message();
  ASSERT_EQ(objects->size(), 1u);
  EXPECT_EQ((*objects)[0].storage_key, "tenants/acme/recordings/o1");
  EXPECT_TRUE(FindTaskObjects(*db_, "t2")->empty());
  ASSERT_TRUE(
      db_->Transaction([&](Database& tx) { return DeleteTaskRows(tx, "t1", *objects); }).ok());
  EXPECT_FALSE(FindTaskState(*db_, "t1")->has_value());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM objects"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM segments"), 0);  // with the task
}

TEST_P(TaskViewsContract, SegmentsVersionsAndPendingMinutesJobs) {
  EXPECT_TRUE(*HasTranscript(*db_, "t1"));
  EXPECT_FALSE(*HasTranscript(*db_, "t2"));
  auto place = FindSegmentPlace(*db_, "t1", "seg-1");
  ASSERT_TRUE(place.ok() && *place) << place.status().message();
  EXPECT_EQ((*place)->speaker, "S1");
  EXPECT_DOUBLE_EQ((*place)->end_s, 1);
  EXPECT_FALSE(FindSegmentPlace(*db_, "t1", "seg-2")->has_value());
  ASSERT_TRUE(UpdateSegmentText(*db_, "t1", "seg-1", "Fixed", "[]").ok());
  EXPECT_EQ((*FindSegmentRows(*db_, "t1"))[0].text, "Fixed");

  EXPECT_EQ(*LatestMinutesVersionNumber(*db_, "t1"), 0);
  MinutesVersion v{"t1", 2, "default", "body", 0, "llm", "{}", "[]", "2026-01-01"};
  ASSERT_TRUE(InsertMinutesVersion(*db_, v).ok());
  v.version = 1, v.template_version = std::nullopt;
  ASSERT_TRUE(InsertMinutesVersion(*db_, v).ok());
  EXPECT_EQ(*LatestMinutesVersionNumber(*db_, "t1"), 2);
  auto versions = ListMinutesVersions(*db_, "t1");
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);  // oldest first
  EXPECT_FALSE((*versions)[0].template_version.has_value());
  EXPECT_EQ((*versions)[1].template_version, 0);
  EXPECT_EQ((*versions)[1].generator, "llm");

  Exec(
      "INSERT INTO jobs (id, task_id, kind, payload, state, run_after, created_at) VALUES "
      "('j1', 't1', 'minutes', '{\"version\":3}', 'leased', 'x', 'x'), ('j2', 't1', 'minutes', "
      "'{\"version\":4}', 'done', 'x', 'x'), ('j3', 't1', 'transcribe', '{}', 'ready', 'x', 'x')");
  EXPECT_EQ(*PendingMinutesJobPayloads(*db_, "t1"), (std::vector<std::string>{"{\"version\":3}"}));
}

STORE_CONTRACT(TaskViewsContract);

}  // namespace
}  // namespace minutes::testing
