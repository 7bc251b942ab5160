#pragma once
// Webhooks: when a task ends, one delivery job per subscribed endpoint of its tenant.
#include <string>

#include "db/database.hpp"

namespace minutes {

/// Queues "webhook" jobs for `event` ("task.succeeded" | "task.failed") of `task_id`.
Status EnqueueTaskEvent(Database& db, const std::string& task_id, const std::string& event);

/// The signature header value: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body);

}  // namespace minutes
