// Job kind "webhook": deliver a task event to one endpoint, signed with HMAC-SHA256; a failed
// delivery is retried by the queue with backoff, one to a refused address is not. Sent through
// the shared libcurl client as a user-given destination (no private addresses, no redirects).

#include <ctime>
#include <nlohmann/json.hpp>

#include "auth/accounts.hpp"
#include "crypto/hmac.hpp"
#include "net/http_client.hpp"
#include "queue/job_queue.hpp"
#include "store/tasks.hpp"
#include "store/webhooks.hpp"
#include "worker/webhooks.hpp"
#include "worker/worker.hpp"

namespace minutes {

std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body) {
  return "sha256=" + HmacSha256Hex(secret, timestamp + "." + body);
}

Status EnqueueTaskEvent(Database& db, const std::string& task_id, const std::string& event) {
  auto hooks = FindTaskWebhooks(db, task_id);
  if (!hooks.ok()) return hooks.status();
  return db.Transaction([&](Database& tx) -> Status {
    for (const WebhookRow& h : *hooks) {
      std::string events = "," + h.events + ",";
      if (events.find("," + event + ",") == std::string::npos) continue;
      nlohmann::json payload = {{"event", event}, {"webhook_id", h.id}};
      if (Status s = JobQueue::Enqueue(tx, task_id, "webhook", payload.dump()); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Status DeliverWebhookJob(Database& db, const Job& job, const WorkerOptions& options) {
  auto payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("webhook_id"))
    return Status::BadInput("webhook job " + job.id + " has no webhook_id");
  auto hook = FindWebhook(db, payload["webhook_id"].get<std::string>());
  if (!hook.ok()) return hook.status();
  if (!*hook) return Status::Ok();  // deleted since: nothing to deliver
  auto task = FindTaskRow(db, job.task_id);
  if (!task.ok()) return task.status();
  if (!*task) return Status::Ok();
  const TaskRow& t = **task;
  nlohmann::json body = {{"event", payload["event"]},
                         {"task",
                          {{"id", t.id},
                           {"title", t.title},
                           {"state", t.state},
                           {"error", t.error ? nlohmann::json(*t.error) : nlohmann::json(nullptr)},
                           {"created_at", t.created_at},
                           {"updated_at", t.updated_at}}},
                         {"delivered_at", NowIso()}};
  std::string text = body.dump();
  std::string timestamp = std::to_string(std::time(nullptr));
  int timeout_s = options.config ? options.config->webhooks.timeout_s : 10;
  // The URL was checked when the webhook was made; it is checked again now (the name may point
  // elsewhere since, or the policy changed) and the connection goes only to the checked address.
  DestinationPolicy policy;
  policy.allow_private_networks =
      options.config != nullptr && options.config->webhooks.allow_private_networks;
  const std::string url = (*hook)->url;
  HttpRequest req = HttpRequest::Post(
      url,
      {{"Content-Type", "application/json"},
       {"User-Agent", "minutes-webhook/1"},
       {"X-Minutes-Event", payload["event"].get<std::string>()},
       {"X-Minutes-Delivery", job.id},
       {"X-Minutes-Timestamp", timestamp},
       {"X-Minutes-Signature", WebhookSignature((*hook)->secret, timestamp, text)}},
      text);
  req.timeout = std::chrono::seconds(timeout_s);
  req.destinations = &policy;
  static const HttpClient http;
  auto res = http.Send(req);
  if (!res.ok()) return Status(res.status().kind(), "webhook delivery: " + res.status().message());
  if (res->status < 200 || res->status >= 300)
    return Status(ErrorKind::kUnavailable,
                  "webhook " + UrlForMessages(url) + " answered " + std::to_string(res->status));
  return Status::Ok();
}

}  // namespace minutes
