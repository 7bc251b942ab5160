#pragma once
// The objects repository (table objects): the recordings stored in the object store.
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// The storage key of every object of every tenant (what the store may keep; the sweeper
/// deletes recordings not among them).
Result<std::vector<std::string>> AllStorageKeys(Database& db);

/// Records the decoded length of task `task_id`'s recording. Run it inside the transaction that
/// stores the task's results.
Status SetTaskRecordingDuration(Database& tx, const std::string& task_id, double seconds);

}  // namespace minutes
