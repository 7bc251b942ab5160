#include "api/audit.hpp"

#include <cstdio>

#include "auth/accounts.hpp"
#include "log/log.hpp"
#include "store/audit_logs.hpp"

namespace minutes {

namespace {

void Write(Database& db, const Request& req, std::optional<std::string> tenant,
           std::optional<std::string> user, const std::string& action, const std::string& target) {
  AuditEntry entry{std::move(tenant), std::move(user), action,      target,
                   req.request_id,    NowIso(),        std::nullopt};
  if (!req.client_address.empty()) entry.client_address = req.client_address;
  Status s = RecordAudit(db, entry);
  if (!s.ok())
    LogEvent(LogLevel::kError, "audit_write_failed",
             {{"action", action}, {"request_id", req.request_id}, {"error", s.message()}});
}

}  // namespace

void Audit(Database& db, const Request& req, const std::string& action, const std::string& target) {
  std::optional<std::string> tenant, user;
  if (req.principal) tenant = req.principal->tenant_id, user = req.principal->user_id;
  Write(db, req, tenant, user, action, target);
}

void AuditFor(Database& db, const Request& req, const std::string& tenant_id,
              const std::string& user_id, const std::string& action, const std::string& target) {
  std::optional<std::string> tenant, user;
  if (!tenant_id.empty()) tenant = tenant_id;
  if (!user_id.empty()) user = user_id;
  Write(db, req, tenant, user, action, target);
}

}  // namespace minutes
