#include "minutes/provider_audit.hpp"

#include "log/log.hpp"
#include "store/tasks.hpp"
#include "store/usage.hpp"

namespace minutes {

std::string AuditProviderCalls(Database& db, const Config* config, const std::string& task_id,
                               const std::vector<ProviderCallRecord>& calls) {
  auto who = FindTaskRow(db, task_id);
  static const std::map<std::string, double> kNoPrices;
  const auto& prices = config ? config->prices : kNoPrices;
  std::string served;
  for (const auto& c : calls) {
    auto colon = c.provider.find(':');
    if (who.ok() && who->has_value()) {
      ProviderCall call;
      call.tenant_id = (*who)->tenant_id;
      call.user_id = (*who)->user_id;
      call.task_id = task_id;
      call.provider = c.provider.substr(0, colon);
      call.model = colon == std::string::npos ? "" : c.provider.substr(colon + 1);
      call.tokens_in = c.tokens_in;
      call.tokens_out = c.tokens_out;
      call.latency_s = c.seconds;
      call.outcome = c.outcome;
      (void)RecordProviderCall(db, call, prices);
    }
    if (c.outcome == "ok")
      served = c.provider;
    else
      LogEvent(LogLevel::kWarn, "provider_call_failed",
               {{"task_id", task_id},
                {"provider", c.provider},
                {"outcome", c.outcome},
                {"error", c.error}});
  }
  return served;
}

}  // namespace minutes
