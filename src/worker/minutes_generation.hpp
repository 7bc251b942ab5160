#pragma once
// Who writes a job's minutes: the configured language models (llm.chain; every call audited
// with provider, model, latency, tokens, cost and outcome), or the extractive generator when
// none is configured or every model failed.
#include <string>

#include "core/minutes_doc.hpp"
#include "core/transcript.hpp"
#include "db/database.hpp"
#include "llm/model_chain.hpp"
#include "minutes/minutes_repair.hpp"
#include "minutes/tenant_templates.hpp"
#include "worker/worker.hpp"

namespace minutes {

struct WrittenMinutes {
  MinutesDoc doc;
  std::string generator;  ///< "openai:gpt-4o-mini", "extractive"…
  /// What was repaired in the model's answers (minutes/minutes_repair.hpp); empty otherwise.
  std::vector<Repair> repairs;
  /// The template the version is made with (the tenant's current one; `default` when the
  /// named one was deleted since): kept with the version so later edits never change it.
  ResolvedTemplate template_used;
};

/// Writes minutes for `transcript` with the tenant's current template `template_name`. Speaker
/// names in `transcript` are shown to the model (and a name it writes is resolved to the id it
/// names); the stored minutes refer to speakers by id either way.
Result<WrittenMinutes> WriteMinutes(Database& db, const WorkerOptions& o,
                                    const std::string& task_id, const Transcript& transcript,
                                    const std::string& template_name);

}  // namespace minutes
