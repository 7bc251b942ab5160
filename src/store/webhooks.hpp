#pragma once
// The webhooks repository (table webhooks): the endpoints a tenant subscribed to task events.
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

}  // namespace minutes
