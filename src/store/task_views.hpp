#pragma once
// Tasks as the routes show them (tables tasks, objects, transcripts, jobs): a
// task with its recording's and transcript's facts, the tenant's task list, and what cancelling
// and deleting a task writes. Always scoped to a tenant where a caller names the task.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// A task, its recording and its transcript, as the API shows them.
struct TaskView {
  std::string id, title, state, stage;
  double progress = 0;
  std::optional<std::string> error;
  std::string template_name;  ///< column `template`
  std::string created_at, updated_at;
  std::string filename;            ///< the recording's ("" when there is none)
  int64_t size = 0;                ///< the recording's bytes
  std::optional<double> duration;  ///< the transcript's seconds
  int64_t speakers = 0;            ///< expected (0 = find out)
  std::string language;
  std::optional<std::string> hotword_set_id;
  int64_t attempts = 0;
  std::optional<std::string> format;       ///< the recording's container
  std::string engine;                      ///< the task's choice
  std::optional<std::string> engine_used;  ///< the transcript's engine
};

/// The task `task_id` if it belongs to tenant `tenant_id`, or nullopt.
Result<std::optional<TaskView>> FindTenantTaskView(Database& db, const std::string& task_id,
                                                   const std::string& tenant_id);

/// The tasks among `task_ids` that exist (any tenant's: for the event feed), in no order.
Result<std::vector<TaskView>> FindTaskViews(Database& db, const std::vector<std::string>& task_ids);

/// Which of a tenant's tasks to list.
struct TaskListFilter {
  std::string tenant_id;
  std::optional<std::string> state;  ///< only tasks in this state
  std::string text;  ///< "" or only tasks whose title or transcript contain it (any case)
};

/// How many tasks match.
Result<int64_t> CountTenantTasks(Database& db, const TaskListFilter& filter);

/// The matching tasks, newest first, `limit` of them after skipping `offset`.
Result<std::vector<TaskView>> ListTenantTasks(Database& db, const TaskListFilter& filter,
                                              int64_t limit, int64_t offset);

/// Cancels the task if it is queued or processing (error "canceled by <username>").
Status CancelTask(Database& db, const std::string& task_id, const std::string& username,
                  const std::string& now);

/// The state of task `task_id`, or nullopt when it is gone.
Result<std::optional<std::string>> FindTaskState(Database& db, const std::string& task_id);

/// Marks the task's jobs still waiting for a worker done.
Status RetireReadyJobs(Database& db, const std::string& task_id);

/// A stored object of a task.
struct TaskObject {
  std::string id, storage_key;
};

/// The recording of task `task_id` (none when it has none).
Result<std::vector<TaskObject>> FindTaskObjects(Database& db, const std::string& task_id);

/// Deletes the task and the objects `objects` rows. Run it in a transaction.
Status DeleteTaskRows(Database& tx, const std::string& task_id,
                      const std::vector<TaskObject>& objects);

/// The recording of the task `task_id` if it belongs to tenant `tenant_id`.
struct TaskRecording {
  std::string storage_key;
  int64_t size = 0;
  std::string content_type, filename;
};

/// The task's recording, or nullopt when there is no such task in the tenant (or no recording).
Result<std::optional<TaskRecording>> FindTenantTaskRecording(Database& db,
                                                             const std::string& task_id,
                                                             const std::string& tenant_id);

}  // namespace minutes
