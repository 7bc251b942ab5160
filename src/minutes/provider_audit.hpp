#pragma once
// The cost log of the language model calls made for a task (minutes, questions): one
// store/usage.hpp row per call, priced from the config, failed calls also logged.
#include <string>
#include <vector>

#include "config/config.hpp"
#include "db/database.hpp"
#include "llm/model_chain.hpp"

namespace minutes {

/// Writes `calls` to the audit log for `task_id` (its tenant and user; nothing when the task is
/// gone), priced from `config->prices` (free when `config` is null); failed calls are also
/// logged. Returns the provider that answered ("openai:gpt-4o-mini"), or "" when none did.
std::string AuditProviderCalls(Database& db, const Config* config, const std::string& task_id,
                               const std::vector<ProviderCallRecord>& calls);

}  // namespace minutes
