#include "api/audit.hpp"

#include <cstdio>

#include "auth/accounts.hpp"
#include "log/log.hpp"

namespace minutes {

void Audit(Database& db, const Request& req, const std::string& action, const std::string& target) {
  DbValue tenant = nullptr, user = nullptr;
  if (req.principal) tenant = req.principal->tenant_id, user = req.principal->user_id;
  Status s = db.Exec(
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, request_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {tenant, user, action, target, req.request_id, NowIso()});
  if (!s.ok())
    LogEvent(LogLevel::kError, "audit_write_failed",
             {{"action", action}, {"request_id", req.request_id}, {"error", s.message()}});
}

}  // namespace minutes
