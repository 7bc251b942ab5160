#pragma once
// The objects repository (table objects): the recordings stored in the object store.
#include <cstdint>
#include <optional>
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

/// One row of objects.
struct ObjectRow {
  std::string id, tenant_id, storage_key, filename, content_type;
  int64_t size = 0;
  std::string sha256;
  std::string format;  ///< the container sniffed from its first bytes
  std::string created_at;
  std::optional<double> duration;  ///< seconds; nullopt when not known
};

/// Adds the object.
Status InsertObject(Database& db, const ObjectRow& o);

/// Records the decoded length of object `object_id`.
Status SetObjectDuration(Database& db, const std::string& object_id, double seconds);

/// Deletes the object's row (the stored bytes are the caller's to delete, after).
Status DeleteObjectRow(Database& db, const std::string& object_id);
}  // namespace minutes
