// Job kind "minutes": regenerate a task's minutes as a new version from its stored transcript.
#include <nlohmann/json.hpp>

#include "auth/accounts.hpp"
#include "export/minutes_json.hpp"
#include "minutes/extractive_generator.hpp"
#include "queue/job_queue.hpp"
#include "worker/stored_transcript.hpp"
#include "worker/worker.hpp"

namespace minutes {

Status ProcessMinutesJob(Database& db, ObjectStore&, const Job& job, const WorkerOptions&) {
  auto payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("template") || !payload.contains("version"))
    return Status::BadInput("minutes job " + job.id + " has no template/version");
  std::string tmpl = payload["template"];
  int64_t version = payload["version"];
  auto tr = LoadTranscript(db, job.task_id);
  if (!tr.ok()) return tr.status();
  // Minutes refer to speakers by id; names are applied when they are read, so a later rename
  // reaches every version.
  for (auto& s : tr->speakers) s.name.reset();
  auto doc = ExtractiveGenerator().Generate(*tr, {});
  if (!doc.ok()) return doc.status();
  return db.Transaction([&](Database& tx) -> Status {
    // Idempotent: a redelivered job finds its version written and stops.
    auto have = tx.Query("SELECT 1 FROM artifacts WHERE task_id = ? AND version = ?",
                         {job.task_id, version});
    if (!have.ok()) return have.status();
    if (!have->empty()) return Status::Ok();
    return tx.Exec(
        "INSERT INTO artifacts (task_id, version, template, generator, minutes_json, created_at) "
        "VALUES (?, ?, ?, 'extractive', ?, ?)",
        {job.task_id, version, tmpl, MinutesToJson(*doc).dump(), NowIso()});
  });
}

}  // namespace minutes
