#include "store/usage.hpp"

#include "core/clock.hpp"
#include "store/row_values.hpp"

namespace minutes {
namespace {

double Lookup(const std::map<std::string, double>& prices, const ProviderCall& c,
              const std::string& unit) {
  for (const std::string& key : {c.provider + "." + c.model + "." + unit, c.provider + "." + unit})
    if (auto it = prices.find(key); it != prices.end()) return it->second;
  return 0;
}

}  // namespace

double PriceOf(const ProviderCall& c, const std::map<std::string, double>& prices) {
  return c.audio_seconds / 60.0 * Lookup(prices, c, "audio_minute") +
         static_cast<double>(c.tokens_in) / 1000.0 * Lookup(prices, c, "input_1k_tokens") +
         static_cast<double>(c.tokens_out) / 1000.0 * Lookup(prices, c, "output_1k_tokens");
}

Status RecordProviderCall(Database& db, const ProviderCall& c,
                          const std::map<std::string, double>& prices) {
  return db.Exec(
      "INSERT INTO audit_logs (tenant_id, user_id, action, target, provider, model, "
      "audio_seconds, tokens_in, tokens_out, cost, latency_ms, outcome, created_at) VALUES (?, "
      "?, 'provider.call', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {c.tenant_id, c.user_id, c.task_id, c.provider, c.model, c.audio_seconds, c.tokens_in,
       c.tokens_out, c.outcome == "ok" ? PriceOf(c, prices) : 0.0, c.latency_s * 1000, c.outcome,
       NowIso()});
}

Result<std::vector<ProviderUsage>> ProviderUsageTotals(Database& db) {
  auto rows = db.Query(
      "SELECT provider, count(*), coalesce(sum(cost), 0) FROM audit_logs WHERE action = "
      "'provider.call' GROUP BY provider");
  if (!rows.ok()) return rows.status();
  std::vector<ProviderUsage> out;
  for (const DbRow& r : *rows)
    out.push_back({AsString(r[0]), AsInt(r[1]), store_detail::AsReal(r[2])});
  return out;
}

}  // namespace minutes
