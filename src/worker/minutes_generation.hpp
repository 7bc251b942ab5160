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
#include "worker/tenant_templates.hpp"
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

/// Collects the provider calls the configured models make for this request (or job) while it
/// lives, on whichever thread the request continues.
class ProviderCallCapture {
 public:
  ProviderCallCapture();
  ~ProviderCallCapture();
  ProviderCallCapture(const ProviderCallCapture&) = delete;
  ProviderCallCapture& operator=(const ProviderCallCapture&) = delete;
  std::vector<ProviderCallRecord> calls;

 private:
  std::vector<ProviderCallRecord>* previous_;
};

/// Writes `calls` to the audit log for `task_id` (its tenant and user), priced from
/// `config.prices`; failed calls are also logged. Returns the provider that answered, or "".
std::string AuditProviderCalls(Database& db, const Config* config, const std::string& task_id,
                               const std::vector<ProviderCallRecord>& calls);

/// The observer to give the configured ModelChain: it hands each call to the job running on
/// the calling thread (for its audit lines).
void ForwardProviderCall(const ProviderCallRecord& call);

}  // namespace minutes
