#pragma once
// The webhooks repository (table webhooks): the endpoints a tenant subscribed to task events.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One row of webhooks.
struct WebhookRow {
  std::string id, tenant_id, url;
  std::string secret;  ///< signs each delivery
  std::string events;  ///< comma-separated: "task.succeeded,task.failed"
  std::string created_at;
};

/// The webhooks of the tenant that task `task_id` belongs to (none when the task is gone).
Result<std::vector<WebhookRow>> FindTaskWebhooks(Database& db, const std::string& task_id);

/// The webhook `webhook_id`, or nullopt when it was deleted.
Result<std::optional<WebhookRow>> FindWebhook(Database& db, const std::string& webhook_id);

/// A webhook as the routes list it (no secret).
struct WebhookSummary {
  std::string id, url;
  std::string events;  ///< comma-separated
  std::string created_at;
};

/// The tenant's webhooks, oldest first.
Result<std::vector<WebhookSummary>> ListTenantWebhooks(Database& db, const std::string& tenant_id);

/// The webhook `webhook_id` if it belongs to tenant `tenant_id`, or nullopt.
Result<std::optional<WebhookSummary>> FindTenantWebhook(Database& db, const std::string& webhook_id,
                                                        const std::string& tenant_id);

/// Whether tenant `tenant_id` has the webhook `webhook_id`.
Result<bool> TenantHasWebhook(Database& db, const std::string& webhook_id,
                              const std::string& tenant_id);

/// How many webhooks the tenant has.
Result<int64_t> CountTenantWebhooks(Database& db, const std::string& tenant_id);

/// Adds the webhook.
Status InsertWebhook(Database& db, const WebhookRow& webhook);

/// Deletes the webhook (nothing when there is none).
Status DeleteWebhook(Database& db, const std::string& webhook_id);

}  // namespace minutes
