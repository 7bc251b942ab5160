#pragma once
// The cost log: one audit_logs row (action "provider.call") per speech or language model call,
// priced from the config's `prices` table.
//
// Price keys, most specific first (missing = free):
//   <provider>.<model>.audio_minute      per minute of audio      e.g.
//   transcribe.default.audio_minute <provider>.audio_minute <provider>.<model>.input_1k_tokens per
//   1000 prompt tokens   e.g. bedrock.amazon.nova-pro-v1:0... <provider>.input_1k_tokens
//   <provider>.<model>.output_1k_tokens  per 1000 output tokens
//   <provider>.output_1k_tokens
#include <map>
#include <string>

#include "db/database.hpp"

namespace minutes {

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

/// Writes the call with its cost to audit_logs.
Status RecordProviderCall(Database& db, const ProviderCall& call,
                          const std::map<std::string, double>& prices);

}  // namespace minutes
