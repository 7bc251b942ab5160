#pragma once
// The tasks repository (table tasks): a task as stored, what a transcription job reads of its
// task, recording and tenant, and the state, stage and progress the workers write.
#include <cstdint>
#include <optional>
#include <string>

#include "db/database.hpp"

namespace minutes {

/// One row of tasks.
struct TaskRow {
  std::string id, tenant_id, user_id, title;
  std::optional<std::string> object_id;  ///< the recording (objects.id)
  std::string state;                     ///< queued, processing, succeeded, failed, canceled
  std::string stage;                     ///< the pipeline stage running now; "done" at the end
  double progress = 0;                   ///< 0..1
  int64_t attempts = 0;
  std::optional<std::string> error;
  std::string template_name;  ///< column `template`: the template minutes version 1 is made with
  std::optional<std::string> hotword_set_id;
  int64_t speakers = 0;  ///< 0 = find out
  std::string language, engine, created_at, updated_at;
};

/// The task `task_id` (any tenant's: callers hold a job of it), or nullopt.
Result<std::optional<TaskRow>> FindTaskRow(Database& db, const std::string& task_id);

/// What a transcription job reads: its task, the task's recording and its tenant's choice of
/// speech engine.
struct TranscribeWork {
  std::string state;
  std::string storage_key, filename;  ///< the recording's
  std::string template_name;
  std::string hotword_set_id;  ///< "" = none
  int64_t speakers = 0;
  std::string language;
  std::string engine;             ///< the task's ("auto" = its tenant's)
  std::string tenant_asr_engine;  ///< tenants.asr_engine ("auto" = the configured order)
};

/// The work of task `task_id`, or nullopt when it (or its recording, or its tenant) is gone.
Result<std::optional<TranscribeWork>> FindTranscribeWork(Database& db, const std::string& task_id);

/// A task's tenant and the tenant's provider choices.
struct TaskTenant {
  std::string tenant_id;
  std::string asr_engine;    ///< tenants.asr_engine
  std::string llm_provider;  ///< tenants.llm_provider ("auto" = the configured order)
};

/// The tenant of task `task_id`, or nullopt when the task is gone.
Result<std::optional<TaskTenant>> FindTaskTenant(Database& db, const std::string& task_id);

/// A worker starts an attempt: state processing, one more attempt (unless canceled, or
/// succeeded already: a late second delivery of a finished job never takes it back).
Status MarkTaskProcessing(Database& db, const std::string& task_id);

/// The stage running now and how far the whole job is (0..1).
Status SetTaskProgress(Database& db, const std::string& task_id, const std::string& stage,
                       double progress);

/// The results are stored: state succeeded, stage done, progress 1, no error, whatever the state
/// was. Run it inside the transaction that stores them, after checking there that the task was
/// not canceled.
Status MarkTaskSucceeded(Database& tx, const std::string& task_id);

/// A processing task whose job was given back unfinished (a worker stopping) is queued again,
/// with no stage; a task in any other state is left as it is.
Status RequeueProcessingTask(Database& db, const std::string& task_id);

/// A job of the task failed with `error`: the task is failed when that was the last attempt
/// (`final`), queued again otherwise (unless canceled).
Status RecordTaskFailure(Database& db, const std::string& task_id, bool final,
                         const std::string& error);

/// A task to queue.
struct NewTask {
  std::string id, tenant_id, user_id, title, object_id, template_name;
  std::optional<std::string> hotword_set_id;
  int64_t speakers = 0;
  std::string language, engine, created_at;  ///< created_at is its updated_at too
};

/// Adds the task, queued. Run it in the transaction that enqueues its job.
Status InsertTask(Database& tx, const NewTask& t);
}  // namespace minutes
