#include "store/uploads.hpp"

#include "store/row_values.hpp"

namespace minutes {

Result<std::vector<ExpiredUpload>> FindExpiredUploads(Database& db, const std::string& now) {
  auto rows = db.Query(
      "SELECT id, storage_key, store_upload_id FROM uploads WHERE state = 'open' AND expires_at < "
      "?",
      {now});
  if (!rows.ok()) return rows.status();
  std::vector<ExpiredUpload> out;
  for (const DbRow& r : *rows) out.push_back({AsString(r[0]), AsString(r[1]), AsString(r[2])});
  return out;
}

Status MarkUploadExpired(Database& db, const std::string& upload_id) {
  return db.Exec("UPDATE uploads SET state = 'expired' WHERE id = ? AND state = 'open'",
                 {upload_id});
}

namespace {

constexpr const char* kUploadColumns =
    "SELECT id, tenant_id, filename, content_type, storage_key, store_upload_id, token_hash, "
    "state, object_id, task_id, created_at, expires_at, size, part_size, part_url_key FROM "
    "uploads ";

Result<std::vector<UploadRow>> ReadUploads(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<UploadRow> out;
  for (const DbRow& r : *rows) {
    UploadRow u;
    std::string* fields[] = {&u.id,          &u.tenant_id,       &u.filename,   &u.content_type,
                             &u.storage_key, &u.store_upload_id, &u.token_hash, &u.state,
                             &u.object_id,   &u.task_id,         &u.created_at, &u.expires_at};
    for (int i = 0; i < 12; ++i) *fields[i] = AsString(r[i]);
    u.size = AsInt(r[12]);
    u.part_size = AsInt(r[13]);
    u.part_url_key = AsString(r[14]);
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::optional<UploadRow>> FirstUpload(Result<std::vector<DbRow>> rows) {
  auto uploads = ReadUploads(std::move(rows));
  if (!uploads.ok()) return uploads.status();
  if (uploads->empty()) return std::optional<UploadRow>();
  return std::optional<UploadRow>(std::move(uploads->front()));
}

}  // namespace

Result<std::optional<UploadRow>> FindTenantUpload(Database& db, const std::string& upload_id,
                                                  const std::string& tenant_id) {
  return FirstUpload(db.Query(std::string(kUploadColumns) + "WHERE id = ? AND tenant_id = ?",
                              {upload_id, tenant_id}));
}

Result<std::optional<UploadRow>> FindUploadById(Database& db, const std::string& upload_id) {
  return FirstUpload(db.Query(std::string(kUploadColumns) + "WHERE id = ?", {upload_id}));
}

Result<std::vector<UploadRow>> ListUserUploads(Database& db, const std::string& tenant_id,
                                               const std::string& user_id,
                                               const std::string& state) {
  std::string sql = std::string(kUploadColumns) + "WHERE tenant_id = ? AND user_id = ?";
  std::vector<DbValue> params = {tenant_id, user_id};
  if (!state.empty()) {
    sql += " AND state = ?";
    params.push_back(state);
  }
  return ReadUploads(db.Query(sql + " ORDER BY created_at DESC LIMIT 100", params));
}

Status InsertUpload(Database& db, const UploadRow& u, const std::string& user_id) {
  return db.Exec(
      "INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, size, part_size, "
      "storage_key, store_upload_id, token_hash, part_url_key, state, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, 'open', ?, ?)",
      {u.id, u.tenant_id, user_id, u.filename, u.content_type, u.size, u.part_size, u.storage_key,
       u.store_upload_id, u.part_url_key, u.created_at, u.expires_at});
}

Result<std::optional<std::string>> EnsureUploadPartUrlKey(Database& db,
                                                          const std::string& upload_id,
                                                          const std::string& key) {
  if (Status s = db.Exec("UPDATE uploads SET part_url_key = ? WHERE id = ? AND part_url_key = ''",
                         {key, upload_id});
      !s.ok())
    return s;
  auto rows = db.Query("SELECT part_url_key FROM uploads WHERE id = ?", {upload_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsString(rows->front()[0]));
}

Status MarkUploadAborted(Database& db, const std::string& upload_id) {
  return db.Exec("UPDATE uploads SET state = 'aborted' WHERE id = ?", {upload_id});
}

Status MarkUploadCompleted(Database& db, const std::string& upload_id,
                           const std::string& object_id) {
  return db.Exec("UPDATE uploads SET state = 'completed', object_id = ? WHERE id = ?",
                 {object_id, upload_id});
}

Status MarkUploadAbortedWithoutObject(Database& db, const std::string& upload_id) {
  return db.Exec("UPDATE uploads SET state = 'aborted', object_id = NULL WHERE id = ?",
                 {upload_id});
}

Status SetUploadTask(Database& db, const std::string& upload_id, const std::string& task_id) {
  return db.Exec("UPDATE uploads SET task_id = ? WHERE id = ?", {task_id, upload_id});
}

Result<std::optional<UntakenUploadObject>> FindUntakenUploadObject(Database& db,
                                                                   const std::string& upload_id,
                                                                   const std::string& tenant_id) {
  auto rows = db.Query(
      "SELECT o.id, o.storage_key, o.size, o.duration FROM uploads u JOIN objects o ON o.id = "
      "u.object_id WHERE u.id = ? AND u.tenant_id = ? AND u.state = 'completed' AND u.task_id "
      "IS NULL",
      {upload_id, tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<UntakenUploadObject>();
  const DbRow& r = rows->front();
  UntakenUploadObject o{AsString(r[0]), AsString(r[1]), AsInt(r[2]), std::nullopt};
  if (!std::holds_alternative<std::nullptr_t>(r[3])) o.duration = store_detail::AsReal(r[3]);
  return std::optional<UntakenUploadObject>(std::move(o));
}
}  // namespace minutes
