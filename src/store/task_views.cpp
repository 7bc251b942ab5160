#include "store/task_views.hpp"

#include "store/row_values.hpp"

namespace minutes {
namespace {

using store_detail::AsReal;
using store_detail::OptionalText;

const char* const kTaskViewColumns =
    "SELECT t.id, t.title, t.state, t.stage, t.progress, t.error, t.template, t.created_at, "
    "t.updated_at, o.filename, o.size, tr.duration, t.speakers, t.language, t.hotword_set_id, "
    "t.attempts, o.format, t.engine, tr.engine FROM tasks t LEFT JOIN objects o ON o.id = "
    "t.object_id LEFT JOIN "
    "transcripts tr "
    "ON tr.task_id = t.id ";

Result<std::vector<TaskView>> ReadTaskViews(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<TaskView> out;
  for (const DbRow& r : *rows) {
    TaskView t;
    t.id = AsString(r[0]);
    t.title = AsString(r[1]);
    t.state = AsString(r[2]);
    t.stage = AsString(r[3]);
    t.progress = AsReal(r[4]);
    t.error = OptionalText(r[5]);
    t.template_name = AsString(r[6]);
    t.created_at = AsString(r[7]);
    t.updated_at = AsString(r[8]);
    t.filename = AsString(r[9]);
    t.size = AsInt(r[10]);
    if (!std::holds_alternative<std::nullptr_t>(r[11])) t.duration = AsReal(r[11]);
    t.speakers = AsInt(r[12]);
    t.language = AsString(r[13]);
    t.hotword_set_id = OptionalText(r[14]);
    t.attempts = AsInt(r[15]);
    t.format = OptionalText(r[16]);
    t.engine = AsString(r[17]);
    t.engine_used = OptionalText(r[18]);
    out.push_back(std::move(t));
  }
  return out;
}

// LIKE pattern for a search term: % and _ in the term match themselves.
std::string LikePattern(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string TaskListWhere(const TaskListFilter& filter, std::vector<DbValue>* args) {
  std::string where = "WHERE t.tenant_id = ?";
  args->push_back(filter.tenant_id);
  if (filter.state) {
    where += " AND t.state = ?";
    args->push_back(*filter.state);
  }
  if (!filter.text.empty()) {
    // Title or anything said in the meeting.
    where +=
        // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
        " AND (lower(t.title) LIKE lower(?) ESCAPE '\\' OR EXISTS (SELECT 1 FROM segments s "
        "WHERE s.task_id = t.id AND lower(s.text) LIKE lower(?) ESCAPE '\\'))";
    args->push_back(LikePattern(filter.text));
    args->push_back(LikePattern(filter.text));
  }
  return where;
}

}  // namespace

Result<std::optional<TaskView>> FindTenantTaskView(Database& db, const std::string& task_id,
                                                   const std::string& tenant_id) {
  auto rows = ReadTaskViews(db.Query(
      std::string(kTaskViewColumns) + "WHERE t.id = ? AND t.tenant_id = ?", {task_id, tenant_id}));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TaskView>();
  return std::optional<TaskView>(std::move(rows->front()));
}

Result<std::vector<TaskView>> FindTaskViews(Database& db,
                                            const std::vector<std::string>& task_ids) {
  if (task_ids.empty()) return std::vector<TaskView>();
  std::string sql = std::string(kTaskViewColumns) + "WHERE t.id IN (";
  std::vector<DbValue> params;
  for (size_t i = 0; i < task_ids.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(task_ids[i]);
  }
  sql += ")";
  return ReadTaskViews(db.Query(sql, params));
}

Result<int64_t> CountTenantTasks(Database& db, const TaskListFilter& filter) {
  std::vector<DbValue> args;
  std::string where = TaskListWhere(filter, &args);
  auto rows = db.Query("SELECT count(*) FROM tasks t " + where, args);
  if (!rows.ok()) return rows.status();
  return AsInt(rows->front()[0]);
}

Result<std::vector<TaskView>> ListTenantTasks(Database& db, const TaskListFilter& filter,
                                              int64_t limit, int64_t offset) {
  std::vector<DbValue> args;
  std::string where = TaskListWhere(filter, &args);
  args.push_back(limit);
  args.push_back(offset);
  return ReadTaskViews(db.Query(std::string(kTaskViewColumns) + where +
                                    " ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?",
                                args));
}

Status CancelTask(Database& db, const std::string& task_id, const std::string& username,
                  const std::string& now) {
  return db.Exec(
      "UPDATE tasks SET state = 'canceled', stage = '', error = 'canceled by ' || ?, "
      "updated_at = ? WHERE id = ? AND state IN ('queued', 'processing')",
      {username, now, task_id});
}

Result<std::optional<std::string>> FindTaskState(Database& db, const std::string& task_id) {
  auto rows = db.Query("SELECT state FROM tasks WHERE id = ?", {task_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsString(rows->front()[0]));
}

Status RetireReadyJobs(Database& db, const std::string& task_id) {
  return db.Exec("UPDATE jobs SET state = 'done' WHERE task_id = ? AND state = 'ready'", {task_id});
}

Result<std::vector<TaskObject>> FindTaskObjects(Database& db, const std::string& task_id) {
  auto rows = db.Query(
      "SELECT o.id, o.storage_key FROM tasks t JOIN objects o ON o.id = t.object_id WHERE "
      "t.id = ?",
      {task_id});
  if (!rows.ok()) return rows.status();
  std::vector<TaskObject> out;
  for (const DbRow& r : *rows) out.push_back({AsString(r[0]), AsString(r[1])});
  return out;
}

Status DeleteTaskRows(Database& tx, const std::string& task_id,
                      const std::vector<TaskObject>& objects) {
  if (Status e = tx.Exec("DELETE FROM tasks WHERE id = ?", {task_id}); !e.ok()) return e;
  for (const TaskObject& o : objects)
    if (Status e = tx.Exec("DELETE FROM objects WHERE id = ?", {o.id}); !e.ok()) return e;
  return Status::Ok();
}

Result<std::optional<TaskRecording>> FindTenantTaskRecording(Database& db,
                                                             const std::string& task_id,
                                                             const std::string& tenant_id) {
  auto rows = db.Query(
      "SELECT o.storage_key, o.size, o.content_type, o.filename FROM tasks t JOIN objects "
      "o ON "
      "o.id = t.object_id WHERE t.id = ? AND t.tenant_id = ?",
      {task_id, tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TaskRecording>();
  const DbRow& r = rows->front();
  return std::optional<TaskRecording>(
      TaskRecording{AsString(r[0]), AsInt(r[1]), AsString(r[2]), AsString(r[3])});
}

}  // namespace minutes
