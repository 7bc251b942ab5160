#include "api/audit.hpp"

#include <cstdio>

#include "auth/accounts.hpp"
#include "log/log.hpp"

namespace minutes {

namespace {

void Write(Database& db, const Request& req, DbValue tenant, DbValue user,
           const std::string& action, const std::string& target) {
  DbValue client = nullptr;
  if (!req.client_address.empty()) client = req.client_address;
  Status s = db.Exec(
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, request_id, created_at, "
      "client_address) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {tenant, user, action, target, req.request_id, NowIso(), client});
  if (!s.ok())
    LogEvent(LogLevel::kError, "audit_write_failed",
             {{"action", action}, {"request_id", req.request_id}, {"error", s.message()}});
}

}  // namespace

void Audit(Database& db, const Request& req, const std::string& action, const std::string& target) {
  DbValue tenant = nullptr, user = nullptr;
  if (req.principal) tenant = req.principal->tenant_id, user = req.principal->user_id;
  Write(db, req, tenant, user, action, target);
}

void AuditFor(Database& db, const Request& req, const std::string& tenant_id,
              const std::string& user_id, const std::string& action, const std::string& target) {
  DbValue tenant = nullptr, user = nullptr;
  if (!tenant_id.empty()) tenant = tenant_id;
  if (!user_id.empty()) user = user_id;
  Write(db, req, tenant, user, action, target);
}

}  // namespace minutes
