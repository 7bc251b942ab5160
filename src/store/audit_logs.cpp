#include "store/audit_logs.hpp"

#include "store/row_values.hpp"

namespace minutes {
namespace {

using store_detail::AsReal;
using store_detail::Nullable;
using store_detail::OptionalInt;
using store_detail::OptionalText;

// A nullable REAL column (a backend may give a whole number as an integer).
std::optional<double> OptionalReal(const DbValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return std::nullopt;
  return AsReal(v);
}

// The WHERE clause of `filter` and its arguments.
std::string AuditWhere(const AuditFilter& filter, std::vector<DbValue>* args) {
  std::string where = "WHERE a.tenant_id = ?";
  args->push_back(filter.tenant_id);
  if (!filter.from.empty()) where += " AND a.created_at >= ?", args->push_back(filter.from);
  if (!filter.to.empty()) where += " AND a.created_at < ?", args->push_back(filter.to + "T99");
  if (filter.has_action) where += " AND a.action = ?", args->push_back(filter.action);
  if (filter.has_user_id) where += " AND a.user_id = ?", args->push_back(filter.user_id);
  if (filter.has_request_id) where += " AND a.request_id = ?", args->push_back(filter.request_id);
  return where;
}

}  // namespace

Status RecordAudit(Database& db, const AuditEntry& e) {
  return db.Exec(
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, request_id, created_at, "
      "client_address) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {Nullable(e.tenant_id), Nullable(e.user_id), e.action, e.target, e.request_id, e.created_at,
       Nullable(e.client_address)});
}

Result<int64_t> CountAuditLogs(Database& db, const AuditFilter& filter) {
  std::vector<DbValue> args;
  std::string where = AuditWhere(filter, &args);
  auto rows = db.Query("SELECT count(*) FROM audit_logs a " + where, args);
  if (!rows.ok()) return rows.status();
  return rows->empty() ? 0 : AsInt(rows->front()[0]);
}

Result<std::vector<AuditLogRow>> ListAuditLogs(Database& db, const AuditFilter& filter,
                                               int64_t limit, int64_t offset) {
  std::vector<DbValue> args;
  std::string where = AuditWhere(filter, &args);
  args.push_back(limit);
  args.push_back(offset);
  auto rows = db.Query(
      "SELECT a.id, a.user_id, u.username, a.action, a.target, a.request_id, a.provider, "
      "a.model, a.audio_seconds, a.tokens_in, a.tokens_out, a.cost, a.created_at, "
      "a.client_address FROM "
      "audit_logs a LEFT JOIN users u ON u.id = a.user_id " +
          where + " ORDER BY a.id DESC LIMIT ? OFFSET ?",
      args);
  if (!rows.ok()) return rows.status();
  std::vector<AuditLogRow> out;
  for (const DbRow& r : *rows)
    out.push_back({AsInt(r[0]), OptionalText(r[1]), OptionalText(r[2]), AsString(r[3]),
                   AsString(r[4]), AsString(r[5]), OptionalText(r[6]), OptionalText(r[7]),
                   OptionalReal(r[8]), OptionalInt(r[9]), OptionalInt(r[10]), OptionalReal(r[11]),
                   AsString(r[12]), OptionalText(r[13])});
  return out;
}

Result<std::vector<UsageRow>> TenantUsage(Database& db, const std::string& tenant_id,
                                          const std::string& from, const std::string& to,
                                          bool by_user) {
  std::string key = by_user ? "coalesce(u.username, '')" : "substr(a.created_at, 1, 10)";
  std::string where = "WHERE a.tenant_id = ? AND a.action = 'provider.call'";
  std::vector<DbValue> args{tenant_id};
  if (!from.empty()) where += " AND a.created_at >= ?", args.push_back(from);
  if (!to.empty()) where += " AND a.created_at < ?", args.push_back(to + "T99");
  auto rows = db.Query(
      "SELECT " + key +
          ", count(DISTINCT a.target), coalesce(sum(CASE WHEN a.provider <> 'extractive' "
          "THEN "
          "a.audio_seconds ELSE 0 END), 0), coalesce(sum(a.tokens_in), 0), "
          "coalesce(sum(a.tokens_out), 0), coalesce(sum(a.cost), 0) FROM audit_logs a LEFT "
          "JOIN users u ON u.id = a.user_id " +
          where + " GROUP BY 1 ORDER BY 1",
      args);
  if (!rows.ok()) return rows.status();
  std::vector<UsageRow> out;
  for (const DbRow& r : *rows)
    out.push_back(
        {AsString(r[0]), AsInt(r[1]), AsReal(r[2]), AsInt(r[3]), AsInt(r[4]), AsReal(r[5])});
  return out;
}

}  // namespace minutes
