#include "api/task_store.hpp"

#include <map>

namespace minutes {

namespace {
nlohmann::json Nullable(const DbValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return nullptr;
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  return std::get<std::string>(v);
}
double AsDouble(const DbValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  return static_cast<double>(AsInt(v));
}
}  // namespace

nlohmann::json TaskJson(const DbRow& r) {
  return {{"id", AsString(r[0])},
          {"title", AsString(r[1])},
          {"state", AsString(r[2])},
          {"stage", AsString(r[3])},
          {"progress", AsDouble(r[4])},
          {"error", Nullable(r[5])},
          {"template", AsString(r[6])},
          {"created_at", AsString(r[7])},
          {"updated_at", AsString(r[8])},
          {"filename", AsString(r[9])},
          {"size", AsInt(r[10])},
          {"duration", Nullable(r[11])},
          {"expected_speakers", AsInt(r[12])},
          {"language", AsString(r[13])},
          {"hotword_set", Nullable(r[14])},
          {"attempts", AsInt(r[15])},
          {"format", Nullable(r[16])},
          {"engine", AsString(r[17])},
          {"engine_used", Nullable(r[18])}};
}

const char* const kTaskColumns =
    "SELECT t.id, t.title, t.state, t.stage, t.progress, t.error, t.template, t.created_at, "
    "t.updated_at, o.filename, o.size, tr.duration, t.speakers, t.language, t.hotword_set_id, "
    "t.attempts, o.format, t.engine, tr.engine FROM tasks t LEFT JOIN objects o ON o.id = "
    "t.object_id LEFT JOIN "
    "transcripts tr "
    "ON tr.task_id = t.id ";

// The task row when it belongs to the caller's tenant.
Result<DbRow> FindTask(Database& db, const Request& req) {
  auto rows = db.Query(std::string(kTaskColumns) + "WHERE t.id = ? AND t.tenant_id = ?",
                       {req.params.at("id"), req.principal->tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no task " + req.params.at("id"));
  return (*rows)[0];
}

}  // namespace minutes
