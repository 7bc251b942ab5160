#pragma once
// Live task progress for event streams (GET /api/v1/tasks/{id}/events). Poll(), run four times a
// second on the HTTP server's handler pool, reads every subscribed task together — one query per
// 500 tasks, none while nobody listens — and hands each change to that task's subscribers. A
// stream costs no thread and no query of its own, whichever process runs the task.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "db/database.hpp"
#include "http/message.hpp"
#include "store/task_views.hpp"

namespace minutes {

class TaskEventFeed {
 public:
  /// `max_streams_per_user`: Reserve refuses beyond it.
  TaskEventFeed(Database& db, int max_streams_per_user);
  /// How often Poll should run.
  static constexpr std::chrono::milliseconds kInterval{250};
  TaskEventFeed(const TaskEventFeed&) = delete;
  TaskEventFeed& operator=(const TaskEventFeed&) = delete;

  /// A stream slot of `user_id` (held until the handle is destroyed), or nullptr when the user
  /// has max_streams_per_user open. Thread-safe.
  std::shared_ptr<void> Reserve(const std::string& user_id);

  /// Sends `emit` the task's events: at once `retry` and the current state `current` (the
  /// event object), then each change, then `done` (last) when the task ends or is deleted.
  /// Emits stop when the returned handle is destroyed; `slot` is held as long. Never blocks.
  std::shared_ptr<void> Subscribe(const std::string& task_id, const nlohmann::json& current,
                                  Response::EventEmit emit, std::shared_ptr<void> slot);

  /// Reads the subscribed tasks and sends what changed. One caller at a time (the server's
  /// ticker); returns at once when nobody listens.
  void Poll();

  /// Streams open now (for tests and metrics).
  int subscribers() const;

  /// The event object of a task.
  static nlohmann::json EventOf(const TaskView& task);
  /// Whether a state is final.
  static bool Finished(const std::string& state);

 private:
  struct Subscriber {
    uint64_t id;
    Response::EventEmit emit;
  };
  struct Watched {
    std::string last;  // the event data last sent
    std::map<uint64_t, Subscriber> subscribers;
  };
  void Unsubscribe(const std::string& task_id, uint64_t id);

  Database& db_;
  int max_per_user_;
  mutable std::mutex mu_;
  std::map<std::string, Watched> tasks_;
  std::map<std::string, int> per_user_;
  uint64_t next_id_ = 1;
};

}  // namespace minutes
