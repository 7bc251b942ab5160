#include "worker/minutes_generation.hpp"

#include "log/log.hpp"
#include "minutes/extractive_generator.hpp"
#include "minutes/llm_generator.hpp"
#include "worker/usage.hpp"

namespace minutes {
namespace {
thread_local std::vector<ProviderCallRecord>* t_calls = nullptr;

const char* const kInstructions =
    "Write clear, factual minutes for the people who attended: a short summary, the decisions "
    "taken, and the action items with their owners and deadlines.";
}  // namespace

void ForwardProviderCall(const ProviderCallRecord& call) {
  if (t_calls) t_calls->push_back(call);
}

Result<WrittenMinutes> WriteMinutes(Database& db, const WorkerOptions& o,
                                    const std::string& task_id, const Transcript& tr,
                                    const std::string& template_name) {
  if (o.llm && !tr.segments.empty()) {
    std::vector<ProviderCallRecord> calls;
    t_calls = &calls;
    LlmMinutesGenerator gen(o.llm,
                            {std::string(kInstructions) + " Template: " + template_name + ".",
                             o.llm_context_tokens, 1500});
    auto doc = gen.Generate(tr, {});
    t_calls = nullptr;
    auto who = db.Query("SELECT tenant_id, user_id FROM tasks WHERE id = ?", {task_id});
    static const std::map<std::string, double> kNoPrices;
    const auto& prices = o.config ? o.config->prices : kNoPrices;
    std::string served;
    for (const auto& c : calls) {
      std::string provider = c.provider.substr(0, c.provider.find(':'));
      std::string model = c.provider.find(':') == std::string::npos
                              ? ""
                              : c.provider.substr(c.provider.find(':') + 1);
      if (who.ok() && !who->empty()) {
        ProviderCall call;
        call.tenant_id = AsString((*who)[0][0]);
        call.user_id = AsString((*who)[0][1]);
        call.task_id = task_id;
        call.provider = provider;
        call.model = model;
        call.tokens_in = c.tokens_in;
        call.tokens_out = c.tokens_out;
        call.latency_s = c.seconds;
        call.outcome = c.outcome;
        (void)RecordProviderCall(db, call, prices);
      }
      if (c.outcome == "ok") {
        served = c.provider;
      } else {
        LogEvent(LogLevel::kWarn, "provider_call_failed",
                 {{"task_id", task_id},
                  {"provider", c.provider},
                  {"outcome", c.outcome},
                  {"error", c.error}});
      }
    }
    if (doc.ok()) return WrittenMinutes{*doc, served.empty() ? gen.Name() : served};
    LogEvent(LogLevel::kWarn, "minutes_fallback",
             {{"task_id", task_id},
              {"error", doc.status().message()},
              {"action", "the extractive generator writes these minutes"}});
  }
  auto doc = ExtractiveGenerator().Generate(tr, {});
  if (!doc.ok()) return doc.status();
  return WrittenMinutes{*doc, "extractive"};
}

}  // namespace minutes
