#pragma once
// Reading tasks and their results for the routes, always scoped to the caller's tenant.
#include <nlohmann/json.hpp>

#include "core/transcript.hpp"
#include "db/database.hpp"
#include "http/message.hpp"
#include "store/task_views.hpp"
#include "store/transcripts.hpp"

namespace minutes {

/// A task as the API shows it.
nlohmann::json TaskJson(const TaskView& task);

/// The task `req.params["id"]` when it belongs to the caller's tenant, else NotFound.
Result<TaskView> FindTask(Database& db, const Request& req);

}  // namespace minutes
