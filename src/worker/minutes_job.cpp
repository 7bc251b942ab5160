// Job kind "minutes": regenerate a task's minutes as a new version from its stored transcript.
#include <nlohmann/json.hpp>

#include "auth/accounts.hpp"
#include "export/minutes_json.hpp"
#include "queue/job_queue.hpp"
#include "store/minutes_versions.hpp"
#include "store/transcripts.hpp"
#include "worker/minutes_generation.hpp"
#include "worker/worker.hpp"

namespace minutes {

Status ProcessMinutesJob(Database& db, ObjectStore&, const Job& job, const WorkerOptions& o) {
  auto payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("template") || !payload.contains("version"))
    return Status::BadInput("minutes job " + job.id + " has no template/version");
  std::string tmpl = payload["template"];
  int64_t version = payload["version"];
  auto tr = LoadTranscript(db, job.task_id);
  if (!tr.ok()) return tr.status();
  // Names stay for the model to read; WriteMinutes stores speaker ids (names are applied when
  // minutes are read, so a later rename reaches every version).
  // A redelivered job whose version is already written does not call the models again.
  auto done = HasMinutesVersion(db, job.task_id, version);
  if (!done.ok()) return done.status();
  if (*done) return Status::Ok();
  auto written = WriteMinutes(db, o, job.task_id, *tr, tmpl);
  if (!written.ok()) return written.status();
  return db.Transaction([&](Database& tx) -> Status {
    // Idempotent: a redelivered job finds its version written and stops.
    auto have = HasMinutesVersion(tx, job.task_id, version);
    if (!have.ok()) return have.status();
    if (*have) return Status::Ok();
    MinutesVersion v;
    v.task_id = job.task_id;
    v.version = version;
    v.template_name = written->template_used.name;
    v.template_body = written->template_used.body;
    v.template_version = written->template_used.version;
    v.generator = written->generator;
    v.minutes_json = MinutesToJson(written->doc).dump();
    v.repairs_json = RepairsToJson(written->repairs).dump();
    return InsertMinutesVersion(tx, v);
  });
}

}  // namespace minutes
