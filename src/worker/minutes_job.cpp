// Job kind "minutes": regenerate a task's minutes as a new version.
#include "worker/job_queue.hpp"
#include "worker/worker.hpp"

namespace minutes {

Status ProcessMinutesJob(Database&, ObjectStore&, const Job& job, const WorkerOptions&) {
  return Status::BadInput("minutes regeneration is not built yet (job " + job.id + ")");
}

}  // namespace minutes
