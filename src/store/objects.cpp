#include "store/objects.hpp"

namespace minutes {

Result<std::vector<std::string>> AllStorageKeys(Database& db) {
  auto rows = db.Query("SELECT storage_key FROM objects");
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  out.reserve(rows->size());
  for (const DbRow& r : *rows) out.push_back(AsString(r[0]));
  return out;
}

Status SetTaskRecordingDuration(Database& tx, const std::string& task_id, double seconds) {
  return tx.Exec(
      "UPDATE objects SET duration = ? WHERE id = (SELECT object_id FROM tasks WHERE id = ?)",
      {seconds, task_id});
}

}  // namespace minutes
