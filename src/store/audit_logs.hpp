#pragma once
// The audit log repository (table audit_logs): who did what, and the tenant's usage by day or
// user (the provider calls store/usage.hpp records).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One action to record.
struct AuditEntry {
  std::optional<std::string> tenant_id, user_id;  ///< nullopt: none (NULL)
  std::string action, target, request_id, created_at;
  std::optional<std::string> client_address;
};

/// Writes the entry.
Status RecordAudit(Database& db, const AuditEntry& entry);

/// Which entries of a tenant to read; empty fields do not filter.
struct AuditFilter {
  std::string tenant_id;
  std::string from, to;  ///< days, YYYY-MM-DD, inclusive
  std::string action, user_id, request_id;
  /// Whether the field was given (an empty value given filters on "").
  bool has_action = false, has_user_id = false, has_request_id = false;
};

/// One row of audit_logs, with its user's name.
struct AuditLogRow {
  int64_t id = 0;
  std::optional<std::string> user_id, username;
  std::string action, target, request_id;
  std::optional<std::string> provider, model;
  std::optional<double> audio_seconds;
  std::optional<int64_t> tokens_in, tokens_out;
  std::optional<double> cost;
  std::string created_at;
  std::optional<std::string> client_address;
};

/// How many entries match.
Result<int64_t> CountAuditLogs(Database& db, const AuditFilter& filter);

/// The matching entries, newest first, `limit` of them after skipping `offset`.
Result<std::vector<AuditLogRow>> ListAuditLogs(Database& db, const AuditFilter& filter,
                                               int64_t limit, int64_t offset);

/// A tenant's provider calls summed under one key (a day or a username).
struct UsageRow {
  std::string key;  ///< YYYY-MM-DD, or the username ("" for calls of no user)
  int64_t tasks = 0;
  double audio_seconds = 0;  ///< speech recognised (not the extractive fallback's)
  int64_t tokens_in = 0, tokens_out = 0;
  double cost = 0;
};

/// The tenant's usage between days `from` and `to` (inclusive; "" = unbounded), grouped by day
/// (`by_user` false) or by user, in key order.
Result<std::vector<UsageRow>> TenantUsage(Database& db, const std::string& tenant_id,
                                          const std::string& from, const std::string& to,
                                          bool by_user);

}  // namespace minutes
