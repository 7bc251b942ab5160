#pragma once
// The audit log: who did what, when, under which request id (table audit_logs).
#include <string>

#include "http/message.hpp"
#include "db/database.hpp"

namespace minutes {

/// Records `action` (e.g. "task.create") on `target` (an id) by the request's principal (or
/// anonymous). Best effort: a failure to write the row is logged, never fails the request.
void Audit(Database& db, const Request& req, const std::string& action,
           const std::string& target = "");

}  // namespace minutes
