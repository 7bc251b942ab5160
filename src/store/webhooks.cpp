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

}  // namespace minutes
