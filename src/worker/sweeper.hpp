#pragma once
// Temporary things past their lifetime (worker.temp_ttl_s, the seed's temp_file_ttl): staged
// pieces of uploads a crashed process left, readiness-probe objects, recordings no task refers
// to (stored, then the process died before the task row was written), recordings fetched
// into the worker's temp directory, and direct uploads never completed before they expired. Safe to
// run in several processes at once.
#include <chrono>
#include <string>

#include "core/status.hpp"
#include "db/database.hpp"
#include "storage/object_store.hpp"

namespace minutes {

struct SweepReport {
  int staged = 0;      ///< unfinished upload pieces
  int probes = 0;      ///< "_probe/" objects
  int orphans = 0;     ///< recordings without an objects row
  int temp_files = 0;  ///< fetched recordings in the temp directory
  int uploads = 0;     ///< direct uploads left open past their expiry (their parts dropped)
};

/// Removes what is older than `ttl`. `temp_dir` "" = the system temp directory.
Result<SweepReport> SweepTemporaries(Database& db, ObjectStore& store, std::chrono::seconds ttl,
                                     const std::string& temp_dir);

}  // namespace minutes
