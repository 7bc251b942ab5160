#include "store/tasks.hpp"

#include "core/clock.hpp"
#include "store/row_values.hpp"

namespace minutes {

using store_detail::AsReal;
using store_detail::OptionalText;

Result<std::optional<TaskRow>> FindTaskRow(Database& db, const std::string& task_id) {
  auto rows = db.Query(
      "SELECT id, tenant_id, user_id, title, object_id, state, stage, progress, attempts, error, "
      "template, hotword_set_id, speakers, language, engine, created_at, updated_at FROM tasks "
      "WHERE id = ?",
      {task_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TaskRow>();
  const DbRow& r = (*rows)[0];
  TaskRow t;
  t.id = AsString(r[0]);
  t.tenant_id = AsString(r[1]);
  t.user_id = AsString(r[2]);
  t.title = AsString(r[3]);
  t.object_id = OptionalText(r[4]);
  t.state = AsString(r[5]);
  t.stage = AsString(r[6]);
  t.progress = AsReal(r[7]);
  t.attempts = AsInt(r[8]);
  t.error = OptionalText(r[9]);
  t.template_name = AsString(r[10]);
  t.hotword_set_id = OptionalText(r[11]);
  t.speakers = AsInt(r[12]);
  t.language = AsString(r[13]);
  t.engine = AsString(r[14]);
  t.created_at = AsString(r[15]);
  t.updated_at = AsString(r[16]);
  return std::optional<TaskRow>(std::move(t));
}

Result<std::optional<TranscribeWork>> FindTranscribeWork(Database& db, const std::string& task_id) {
  auto rows = db.Query(
      "SELECT o.storage_key, t.template, t.speakers, t.language, t.state, t.hotword_set_id, "
      "t.engine, n.asr_engine, o.filename FROM tasks t JOIN objects o ON o.id = t.object_id "
      "JOIN tenants n ON n.id = t.tenant_id WHERE t.id = ?",
      {task_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TranscribeWork>();
  const DbRow& r = (*rows)[0];
  TranscribeWork w;
  w.storage_key = AsString(r[0]);
  w.template_name = AsString(r[1]);
  w.speakers = AsInt(r[2]);
  w.language = AsString(r[3]);
  w.state = AsString(r[4]);
  w.hotword_set_id = AsString(r[5]);
  w.engine = AsString(r[6]);
  w.tenant_asr_engine = AsString(r[7]);
  w.filename = AsString(r[8]);
  return std::optional<TranscribeWork>(std::move(w));
}

Result<std::optional<TaskTenant>> FindTaskTenant(Database& db, const std::string& task_id) {
  auto rows = db.Query(
      "SELECT t.tenant_id, n.asr_engine, n.llm_provider FROM tasks t JOIN tenants n ON n.id = "
      "t.tenant_id WHERE t.id = ?",
      {task_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TaskTenant>();
  const DbRow& r = (*rows)[0];
  return std::optional<TaskTenant>(TaskTenant{AsString(r[0]), AsString(r[1]), AsString(r[2])});
}

Status MarkTaskProcessing(Database& db, const std::string& task_id) {
  return db.Exec(
      "UPDATE tasks SET state = 'processing', attempts = attempts + 1, updated_at = ? WHERE id = "
      "? AND state NOT IN ('canceled', 'succeeded')",
      {NowIso(), task_id});
}

Status SetTaskProgress(Database& db, const std::string& task_id, const std::string& stage,
                       double progress) {
  return db.Exec("UPDATE tasks SET stage = ?, progress = ?, updated_at = ? WHERE id = ?",
                 {stage, progress, NowIso(), task_id});
}

Status MarkTaskSucceeded(Database& tx, const std::string& task_id) {
  return tx.Exec(
      "UPDATE tasks SET state = 'succeeded', stage = 'done', progress = 1, error = NULL, "
      "updated_at = ? WHERE id = ?",
      {NowIso(), task_id});
}

Status RequeueProcessingTask(Database& db, const std::string& task_id) {
  return db.Exec(
      "UPDATE tasks SET state = 'queued', stage = '', updated_at = ? WHERE id = ? AND state = "
      "'processing'",
      {NowIso(), task_id});
}

Status RecordTaskFailure(Database& db, const std::string& task_id, bool final,
                         const std::string& error) {
  return db.Exec(
      "UPDATE tasks SET state = ?, error = ?, updated_at = ? WHERE id = ? AND state <> "
      "'canceled'",
      {std::string(final ? "failed" : "queued"), error, NowIso(), task_id});
}

Status InsertTask(Database& tx, const NewTask& t) {
  return tx.Exec(
      "INSERT INTO tasks (id, tenant_id, user_id, title, object_id, state, template, "
      "hotword_set_id, speakers, language, engine, created_at, updated_at) VALUES (?, ?, "
      "?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
      {t.id, t.tenant_id, t.user_id, t.title, t.object_id, t.template_name,
       t.hotword_set_id ? DbValue(*t.hotword_set_id) : DbValue(nullptr), t.speakers, t.language,
       t.engine, t.created_at, t.created_at});
}
}  // namespace minutes
