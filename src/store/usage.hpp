#pragma once
// The cost log (table audit_logs, action "provider.call"): one row per speech or language model
// call, priced from the config's `prices` table, and the totals per provider.
//
// Price keys, most specific first (missing = free):
//   <provider>.<model>.audio_minute, <provider>.audio_minute          per minute of audio
//   <provider>.<model>.input_1k_tokens, <provider>.input_1k_tokens    per 1000 prompt tokens
//   <provider>.<model>.output_1k_tokens, <provider>.output_1k_tokens  per 1000 output tokens
// e.g. transcribe.default.audio_minute, bedrock.amazon.nova-pro-v1:0.input_1k_tokens.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One speech or language model call, as the cost log records it.
struct ProviderCall {
  std::string tenant_id, user_id, task_id, provider, model;
  double audio_seconds = 0;
  int64_t tokens_in = 0, tokens_out = 0;
  double latency_s = 0;
  std::string outcome = "ok";  ///< ok, retry, failed, skipped (circuit open)
  std::string error;           ///< what went wrong (logged, not stored)
};

/// The call's cost from `prices` (see the keys above).
double PriceOf(const ProviderCall& call, const std::map<std::string, double>& prices);

/// Writes the call with its cost to audit_logs (a failed call costs nothing).
Status RecordProviderCall(Database& db, const ProviderCall& call,
                          const std::map<std::string, double>& prices);

/// The calls recorded for one provider, and what they cost.
struct ProviderUsage {
  std::string provider;
  int64_t calls = 0;
  double cost = 0;
};

/// Every provider's calls and cost so far (all tenants).
Result<std::vector<ProviderUsage>> ProviderUsageTotals(Database& db);

}  // namespace minutes
