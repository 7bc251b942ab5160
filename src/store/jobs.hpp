#pragma once
// The jobs repository, as far as anyone but the queue reads it (table jobs; claims, leases and
// the outbox are the queue's own: queue/db_job_queue.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// How many jobs of one lane are in one state.
struct JobCount {
  std::string lane;   ///< heavy, light
  std::string state;  ///< ready, leased, done, dead
  int64_t count = 0;
};

/// The jobs by lane and state (the pairs with none are not listed).
Result<std::vector<JobCount>> CountJobs(Database& db);

/// The payloads of the task's minutes jobs still to run (ready or leased).
Result<std::vector<std::string>> PendingMinutesJobPayloads(Database& db,
                                                           const std::string& task_id);

}  // namespace minutes
