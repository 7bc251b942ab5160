#pragma once
// The audit log: who did what, when, under which request id (table audit_logs).
#include <string>

#include "db/database.hpp"
#include "http/message.hpp"

namespace minutes {

/// Records `action` (e.g. "task.create") on `target` (an id) by the request's principal (or
/// anonymous), with the request id and the client's address. Best effort: a failure to write
/// the row is logged, never fails the request.
void Audit(Database& db, const Request& req, const std::string& action,
           const std::string& target = "");

/// The same for a request without a principal that concerns a known user (a sign-in): the row
/// goes to that user's tenant, so its admins see it. Empty ids are stored as NULL.
void AuditFor(Database& db, const Request& req, const std::string& tenant_id,
              const std::string& user_id, const std::string& action,
              const std::string& target = "");

}  // namespace minutes
