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

Status InsertObject(Database& db, const ObjectRow& o) {
  return db.Exec(
      "INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, "
      "sha256, format, created_at, duration) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {o.id, o.tenant_id, o.storage_key, o.filename, o.content_type, o.size, o.sha256, o.format,
       o.created_at, o.duration ? DbValue(*o.duration) : DbValue(nullptr)});
}

Status SetObjectDuration(Database& db, const std::string& object_id, double seconds) {
  return db.Exec("UPDATE objects SET duration = ? WHERE id = ?", {seconds, object_id});
}

Status DeleteObjectRow(Database& db, const std::string& object_id) {
  return db.Exec("DELETE FROM objects WHERE id = ?", {object_id});
}
}  // namespace minutes
