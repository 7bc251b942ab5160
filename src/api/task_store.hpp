#pragma once
// Reading tasks and their results for the routes, always scoped to the caller's tenant.
#include <nlohmann/json.hpp>

#include "core/transcript.hpp"
#include "db/database.hpp"
#include "http/message.hpp"
#include "store/transcripts.hpp"

namespace minutes {

/// The columns TaskJson reads, as a "SELECT … FROM tasks " prefix.
extern const char* const kTaskColumns;

/// A task row (selected with kTaskColumns) as the API shows it.
nlohmann::json TaskJson(const DbRow& row);

/// The task `req.params["id"]` when it belongs to the caller's tenant, else NotFound.
Result<DbRow> FindTask(Database& db, const Request& req);

}  // namespace minutes
