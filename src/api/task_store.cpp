#include "api/task_store.hpp"

#include <optional>

namespace minutes {

namespace {
template <typename T>
nlohmann::json TaskValue(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json TaskJson(const TaskView& t) {
  return {{"id", t.id},
          {"title", t.title},
          {"state", t.state},
          {"stage", t.stage},
          {"progress", t.progress},
          {"error", TaskValue(t.error)},
          {"template", t.template_name},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at},
          {"filename", t.filename},
          {"size", t.size},
          {"duration", TaskValue(t.duration)},
          {"expected_speakers", t.speakers},
          {"language", t.language},
          {"hotword_set", TaskValue(t.hotword_set_id)},
          {"attempts", t.attempts},
          {"format", TaskValue(t.format)},
          {"engine", t.engine},
          {"engine_used", TaskValue(t.engine_used)}};
}

// The task when it belongs to the caller's tenant.
Result<TaskView> FindTask(Database& db, const Request& req) {
  auto task = FindTenantTaskView(db, req.params.at("id"), req.principal->tenant_id);
  if (!task.ok()) return task.status();
  if (!*task) return Status::NotFound("no task " + req.params.at("id"));
  return std::move(**task);
}

}  // namespace minutes
