// The task-event feed on a real SQLite database: changes reach every subscriber of a task, the
// end closes the stream, deleted tasks say so, and per-user slots are bounded.
#include "api/task_events.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "db/migrator.hpp"

namespace minutes {
namespace {

// What one subscriber received.
struct Received {
  std::mutex mu;
  std::vector<std::string> texts;
  bool last = false;
  Response::EventEmit Emit() {
    return [this](std::string text, bool is_last) {
      std::lock_guard lock(mu);
      texts.push_back(std::move(text));
      last = last || is_last;
    };
  }
  bool Got(const std::string& what) {
    std::lock_guard lock(mu);
    for (const auto& t : texts)
      if (t.find(what) != std::string::npos) return true;
    return false;
  }
};

class TaskEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenDatabase("sqlite://:memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
    ASSERT_TRUE(
        db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'acme', 'x')").ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                          "created_at) VALUES ('u1', 't1', 'alice', 'h', 'member', 'x')")
                    .ok());
    AddTask("task1");
    AddTask("task2");
  }
  void AddTask(const std::string& id) {
    ASSERT_TRUE(db_->Exec("INSERT INTO tasks (id, tenant_id, user_id, state, created_at, "
                          "updated_at) VALUES (?, 't1', 'u1', 'queued', 'x', 'x')",
                          {id})
                    .ok());
  }
  void Set(const std::string& id, const std::string& state, double progress) {
    ASSERT_TRUE(
        db_->Exec("UPDATE tasks SET state = ?, progress = ? WHERE id = ?", {state, progress, id})
            .ok());
  }
  nlohmann::json Current(const std::string& id) {
    return {{"id", id}, {"state", "queued"}, {"stage", ""}, {"progress", 0.0}, {"error", nullptr}};
  }
  std::unique_ptr<Database> db_;
};

TEST_F(TaskEvents, ChangesReachEverySubscriberAndTheEndClosesTheStream) {
  TaskEventFeed feed(*db_, 16);
  Received a, b, other;
  auto sa = feed.Subscribe("task1", Current("task1"), a.Emit(), nullptr);
  auto sb = feed.Subscribe("task1", Current("task1"), b.Emit(), nullptr);
  auto so = feed.Subscribe("task2", Current("task2"), other.Emit(), nullptr);
  EXPECT_TRUE(a.Got("retry: 2000"));
  EXPECT_EQ(feed.subscribers(), 3);
  feed.Poll();  // nothing changed: nothing sent
  EXPECT_EQ(a.texts.size(), 1u);
  Set("task1", "processing", 0.5);
  feed.Poll();
  EXPECT_TRUE(a.Got("\"progress\":0.5"));
  EXPECT_TRUE(b.Got("\"progress\":0.5"));
  Set("task1", "succeeded", 1.0);
  feed.Poll();
  EXPECT_TRUE(a.Got("event: done"));
  EXPECT_TRUE(b.Got("event: done"));
  EXPECT_TRUE(a.last);
  EXPECT_FALSE(other.Got("progress\":0.5"));  // another task's change is not sent
  EXPECT_EQ(feed.subscribers(), 1);
  so.reset();  // the client left
  EXPECT_EQ(feed.subscribers(), 0);
}

TEST_F(TaskEvents, ADeletedTaskEndsItsStreams) {
  TaskEventFeed feed(*db_, 16);
  Received a;
  auto s = feed.Subscribe("task2", Current("task2"), a.Emit(), nullptr);
  ASSERT_TRUE(db_->Exec("DELETE FROM tasks WHERE id = 'task2'").ok());
  feed.Poll();
  EXPECT_TRUE(a.Got("\"state\":\"deleted\""));
  EXPECT_TRUE(a.last);
}

TEST_F(TaskEvents, AFinishedTaskIsDoneAtOnce) {
  TaskEventFeed feed(*db_, 16);
  Received a;
  auto current = Current("task1");
  current["state"] = "failed";
  auto s = feed.Subscribe("task1", current, a.Emit(), nullptr);
  EXPECT_TRUE(a.Got("event: done"));
  EXPECT_TRUE(a.last);
  EXPECT_EQ(feed.subscribers(), 0);
}

TEST_F(TaskEvents, SlotsPerUserAreBoundedAndComeBack) {
  TaskEventFeed feed(*db_, 2);
  auto one = feed.Reserve("u1"), two = feed.Reserve("u1");
  ASSERT_TRUE(one && two);
  EXPECT_FALSE(feed.Reserve("u1"));
  EXPECT_TRUE(feed.Reserve("u2"));  // another user has their own
  one.reset();
  EXPECT_TRUE(feed.Reserve("u1"));
}

}  // namespace
}  // namespace minutes
