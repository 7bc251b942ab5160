// Job kind "webhook": deliver a task event to the tenant's webhooks, signed with HMAC-SHA256.
#include "worker/job_queue.hpp"
#include "worker/worker.hpp"

namespace minutes {

Status DeliverWebhookJob(Database&, const Job& job, const WorkerOptions&) {
  return Status::BadInput("webhooks are not built yet (job " + job.id + ")");
}

}  // namespace minutes
