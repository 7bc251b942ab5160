#pragma once
// Everything the routes need, built once by `minutes serve` and shared by every handler.
#include <cstdint>
#include <string>

#include "api/jwt.hpp"
#include "auth/accounts.hpp"
#include "config/config.hpp"
#include "db/database.hpp"
#include "llm/language_model.hpp"
#include "queue/job_queue.hpp"
#include "storage/object_store.hpp"

namespace minutes {

class TaskEventFeed;

/// Shared by all routes; every reference outlives the server.
struct ServiceContext {
  Database& db;
  Accounts& accounts;
  const JwtIssuer& jwt;
  ObjectStore& store;
  const Config& config;  ///< the effective configuration (prices, auth modes, limits)
  int64_t max_upload_bytes = 500LL * 1024 * 1024;
  JobQueue* queue = nullptr;  ///< notified after jobs are committed; probed by /health/ready
  std::shared_ptr<LanguageModel> llm;  ///< llm.chain for questions; null = offline answers
  int llm_context_tokens = 8192;
  TaskEventFeed* task_events = nullptr;  ///< live task progress; null = no event streams (Lambda)
};

}  // namespace minutes
