#include "worker/minutes_generation.hpp"

#include "llm/call_capture.hpp"
#include "llm/model_chain.hpp"
#include "log/log.hpp"
#include "minutes/extractive_generator.hpp"
#include "minutes/llm_generator.hpp"
#include "minutes/provider_audit.hpp"
#include "minutes/template_set.hpp"
#include "store/tasks.hpp"

namespace minutes {
namespace {
const char* const kInstructions =
    "Write clear, factual minutes for the people who attended: a short summary, the decisions "
    "taken, and the action items with their owners and deadlines.";
}  // namespace

Result<WrittenMinutes> WriteMinutes(Database& db, const WorkerOptions& o,
                                    const std::string& task_id, const Transcript& tr,
                                    const std::string& template_name) {
  auto tenant = FindTaskTenant(db, task_id);
  if (!tenant.ok()) return tenant.status();
  // A task deleted meanwhile still gets its minutes computed (nothing stores them then).
  const bool known = tenant->has_value();
  auto used = ResolveTemplate(db, known ? (*tenant)->tenant_id : "", template_name);
  if (!used.ok()) return used.status();
  if (o.llm && !tr.segments.empty()) {
    // The template's own prompt, and the tenant's language model provider tried first.
    std::string instructions = std::string(kInstructions) + " Template: " + used->name + ".";
    std::shared_ptr<LanguageModel> model =
        known ? PreferProvider(o.llm, (*tenant)->llm_provider) : o.llm;
    std::string prompt = TemplatePrompt(used->body);
    if (!prompt.empty()) instructions += "\n" + prompt;
    LlmMinutesGenerator gen(model, {instructions, o.llm_context_tokens, 1500});
    Result<RepairedMinutes> written = Status::Internal("unset");
    std::vector<ProviderCallRecord> calls;
    {
      ProviderCallCapture capture;
      written = gen.Write(tr, {});
      calls = capture.calls;
    }
    std::string served = AuditProviderCalls(db, o.config, task_id, calls);
    if (written.ok()) {
      if (!written->repairs.empty())
        LogEvent(LogLevel::kInfo, "minutes_repaired",
                 {{"task_id", task_id},
                  {"generator", served.empty() ? gen.Name() : served},
                  {"repairs", written->repairs.size()}});
      for (auto& sp : written->doc.speakers) sp.name = sp.id;  // names are applied on reading
      return WrittenMinutes{std::move(written->doc), served.empty() ? gen.Name() : served,
                            std::move(written->repairs), *used};
    }
    LogEvent(LogLevel::kWarn, "minutes_fallback",
             {{"task_id", task_id},
              {"error", written.status().message()},
              {"action", "the extractive generator writes these minutes"}});
  }
  // The extractive generator writes owners as names: without them, ids are stored and a later
  // rename reaches every version (names are applied when minutes are read).
  Transcript unnamed = tr;
  for (auto& s : unnamed.speakers) s.name.reset();
  auto doc = ExtractiveGenerator().Generate(unnamed, {});
  if (!doc.ok()) return doc.status();
  return WrittenMinutes{*doc, "extractive", {}, *used};
}

}  // namespace minutes
