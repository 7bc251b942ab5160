#include "store/webhooks.hpp"

namespace minutes {
namespace {

Result<std::vector<WebhookRow>> ReadWebhookRows(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<WebhookRow> out;
  for (const DbRow& r : *rows)
    out.push_back({AsString(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3]), AsString(r[4]),
                   AsString(r[5])});
  return out;
}

constexpr const char* kWebhookColumns = "SELECT id, url, events, created_at FROM webhooks ";

Result<std::vector<WebhookSummary>> ReadWebhookSummaries(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<WebhookSummary> out;
  for (const DbRow& r : *rows)
    out.push_back({AsString(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3])});
  return out;
}

}  // namespace

Result<std::vector<WebhookRow>> FindTaskWebhooks(Database& db, const std::string& task_id) {
  return ReadWebhookRows(
      db.Query("SELECT w.id, w.tenant_id, w.url, w.secret, w.events, w.created_at FROM webhooks w "
               "JOIN tasks t ON t.tenant_id = w.tenant_id WHERE t.id = ?",
               {task_id}));
}

Result<std::optional<WebhookRow>> FindWebhook(Database& db, const std::string& webhook_id) {
  auto rows = ReadWebhookRows(
      db.Query("SELECT id, tenant_id, url, secret, events, created_at FROM webhooks WHERE id = ?",
               {webhook_id}));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<WebhookRow>();
  return std::optional<WebhookRow>(std::move(rows->front()));
}

Result<std::vector<WebhookSummary>> ListTenantWebhooks(Database& db, const std::string& tenant_id) {
  return ReadWebhookSummaries(db.Query(
      std::string(kWebhookColumns) + "WHERE tenant_id = ? ORDER BY created_at", {tenant_id}));
}

Result<std::optional<WebhookSummary>> FindTenantWebhook(Database& db, const std::string& webhook_id,
                                                        const std::string& tenant_id) {
  auto rows = ReadWebhookSummaries(db.Query(
      std::string(kWebhookColumns) + "WHERE id = ? AND tenant_id = ?", {webhook_id, tenant_id}));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<WebhookSummary>();
  return std::optional<WebhookSummary>(std::move(rows->front()));
}

Result<bool> TenantHasWebhook(Database& db, const std::string& webhook_id,
                              const std::string& tenant_id) {
  auto rows =
      db.Query("SELECT 1 FROM webhooks WHERE id = ? AND tenant_id = ?", {webhook_id, tenant_id});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

Result<int64_t> CountTenantWebhooks(Database& db, const std::string& tenant_id) {
  auto rows = db.Query("SELECT count(*) FROM webhooks WHERE tenant_id = ?", {tenant_id});
  if (!rows.ok()) return rows.status();
  return AsInt(rows->front()[0]);
}

Status InsertWebhook(Database& db, const WebhookRow& w) {
  return db.Exec(
      "INSERT INTO webhooks (id, tenant_id, url, secret, events, created_at) VALUES (?, ?, "
      "?, ?, ?, ?)",
      {w.id, w.tenant_id, w.url, w.secret, w.events, w.created_at});
}

Status DeleteWebhook(Database& db, const std::string& webhook_id) {
  return db.Exec("DELETE FROM webhooks WHERE id = ?", {webhook_id});
}

}  // namespace minutes
