#include "store/quotas.hpp"

#include <ctime>

namespace minutes {
namespace {

// Unix seconds as the uploads table stores times ("2026-11-22T10:00:30Z").
std::string UploadsTimeAt(int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The one integer the query selects.
Result<int64_t> OneInt(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  return AsInt(rows->front()[0]);
}

}  // namespace

Status DropUploadStartsUntil(Database& db, const std::string& user_id, int64_t cutoff_ms) {
  return db.Exec("DELETE FROM upload_starts WHERE user_id = ? AND at_ms <= ?",
                 {user_id, cutoff_ms});
}

Result<UploadStarts> CountUploadStarts(Database& db, const std::string& user_id) {
  auto rows =
      db.Query("SELECT count(*), min(at_ms) FROM upload_starts WHERE user_id = ?", {user_id});
  if (!rows.ok()) return rows.status();
  return UploadStarts{AsInt((*rows)[0][0]), AsInt((*rows)[0][1])};
}

Result<std::optional<int64_t>> NthUploadStart(Database& db, const std::string& user_id,
                                              int64_t offset) {
  auto rows =
      db.Query("SELECT at_ms FROM upload_starts WHERE user_id = ? ORDER BY at_ms LIMIT 1 OFFSET ?",
               {user_id, offset});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(AsInt((*rows)[0][0]));
}

Status RecordUploadStart(Database& db, const std::string& user_id, int64_t at_ms) {
  return db.Exec("INSERT INTO upload_starts (user_id, at_ms) VALUES (?, ?)", {user_id, at_ms});
}

Result<int64_t> CountUploadStartsAfter(Database& db, const std::string& user_id, int64_t after_ms) {
  return OneInt(db.Query("SELECT count(*) FROM upload_starts WHERE user_id = ? AND at_ms > ?",
                         {user_id, after_ms}));
}

Result<int64_t> CountQueuedTasks(Database& db, const std::string& tenant_id) {
  return OneInt(
      db.Query("SELECT count(*) FROM tasks WHERE tenant_id = ? AND state = 'queued'", {tenant_id}));
}

Result<TenantStorageBytes> SumTenantStorage(Database& db, const std::string& tenant_id,
                                            int64_t now_s) {
  std::string bytes_of_json = db.Dialect() == "postgresql" ? "octet_length(a.minutes_json)"
                                                           : "length(CAST(a.minutes_json AS BLOB))";
  auto rows = db.Query(
      "SELECT (SELECT coalesce(sum(size), 0) FROM objects WHERE tenant_id = ?), "
      "(SELECT coalesce(sum(" +
          bytes_of_json +
          "), 0) FROM artifacts a JOIN tasks t ON t.id = a.task_id WHERE t.tenant_id = ?), "
          "(SELECT coalesce(sum(size), 0) FROM uploads WHERE tenant_id = ? AND state = 'open' "
          "AND expires_at > ?), "
          "(SELECT coalesce(sum(bytes), 0) FROM storage_reservations WHERE tenant_id = ? AND "
          "expires_at > ?)",
      {tenant_id, tenant_id, tenant_id, UploadsTimeAt(now_s), tenant_id, now_s});
  if (!rows.ok()) return rows.status();
  const DbRow& r = (*rows)[0];
  return TenantStorageBytes{AsInt(r[0]), AsInt(r[1]), AsInt(r[2]), AsInt(r[3])};
}

Status DropLapsedStorageReservations(Database& db, const std::string& tenant_id, int64_t now_s) {
  return db.Exec(
      "DELETE FROM storage_reservations WHERE tenant_id = ? AND "
      "expires_at <= ?",
      {tenant_id, now_s});
}

Status InsertStorageReservation(Database& db, const std::string& id, const std::string& tenant_id,
                                int64_t bytes, int64_t expires_at_s) {
  return db.Exec(
      "INSERT INTO storage_reservations (id, tenant_id, bytes, expires_at) VALUES (?, ?, "
      "?, ?)",
      {id, tenant_id, bytes, expires_at_s});
}

Status ExtendStorageReservation(Database& db, const std::string& id, int64_t bytes,
                                int64_t expires_at_s) {
  return db.Exec("UPDATE storage_reservations SET bytes = bytes + ?, expires_at = ? WHERE id = ?",
                 {bytes, expires_at_s, id});
}

Status DeleteStorageReservation(Database& db, const std::string& id) {
  return db.Exec("DELETE FROM storage_reservations WHERE id = ?", {id});
}

Result<UserUploadBytes> SumUserUploadBytes(Database& db, const std::string& user_id,
                                           int64_t now_ms) {
  auto rows = db.Query(
      "SELECT (SELECT coalesce(sum(bytes), 0) FROM upload_bytes WHERE user_id = ? AND pending = "
      "0 AND counts_until_ms > ?), (SELECT coalesce(sum(bytes), 0) FROM upload_bytes WHERE "
      "user_id = ? AND pending = 1 AND counts_until_ms > ?), (SELECT coalesce(sum(size), 0) FROM "
      "uploads WHERE user_id = ? AND state = 'open' AND expires_at > ?)",
      {user_id, now_ms, user_id, now_ms, user_id, UploadsTimeAt(now_ms / 1000)});
  if (!rows.ok()) return rows.status();
  const DbRow& r = (*rows)[0];
  return UserUploadBytes{AsInt(r[0]), AsInt(r[1]), AsInt(r[2])};
}

Result<std::vector<StoredUploadBytes>> ListStoredUploadBytes(Database& db,
                                                             const std::string& user_id,
                                                             int64_t now_ms) {
  auto rows = db.Query(
      "SELECT bytes, counts_until_ms FROM upload_bytes WHERE user_id = ? AND pending = 0 AND "
      "counts_until_ms > ? ORDER BY counts_until_ms",
      {user_id, now_ms});
  if (!rows.ok()) return rows.status();
  std::vector<StoredUploadBytes> out;
  for (const DbRow& r : *rows) out.push_back({AsInt(r[0]), AsInt(r[1])});
  return out;
}

Status CountUploadBytesOfUpload(Database& db, const std::string& upload_id, int64_t bytes,
                                int64_t counts_until_ms) {
  return db.Exec(
      "INSERT INTO upload_bytes (id, user_id, bytes, pending, counts_until_ms) SELECT id, "
      "user_id, ?, 0, ? FROM uploads WHERE id = ? ON CONFLICT (id) DO NOTHING",
      {bytes, counts_until_ms, upload_id});
}

Status DropUploadBytesUntil(Database& db, const std::string& user_id, int64_t now_ms) {
  return db.Exec("DELETE FROM upload_bytes WHERE user_id = ? AND counts_until_ms <= ?",
                 {user_id, now_ms});
}

Status InsertPendingUploadBytes(Database& db, const std::string& id, const std::string& user_id,
                                int64_t bytes, int64_t counts_until_ms) {
  return db.Exec(
      "INSERT INTO upload_bytes (id, user_id, bytes, pending, counts_until_ms) VALUES (?, ?, ?, "
      "1, ?)",
      {id, user_id, bytes, counts_until_ms});
}

Status ExtendPendingUploadBytes(Database& db, const std::string& id, int64_t bytes,
                                int64_t counts_until_ms) {
  return db.Exec(
      "UPDATE upload_bytes SET bytes = bytes + ?, counts_until_ms = ? WHERE id = ? AND pending "
      "= 1",
      {bytes, counts_until_ms, id});
}

Status DeletePendingUploadBytes(Database& db, const std::string& id) {
  return db.Exec("DELETE FROM upload_bytes WHERE id = ? AND pending = 1", {id});
}

Status RecordStoredUploadBytes(Database& db, const std::string& id, const std::string& user_id,
                               int64_t bytes, int64_t counts_until_ms) {
  return db.Exec(
      "INSERT INTO upload_bytes (id, user_id, bytes, pending, counts_until_ms) VALUES (?, ?, ?, "
      "0, ?) ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes, pending = 0, "
      "counts_until_ms = excluded.counts_until_ms",
      {id, user_id, bytes, counts_until_ms});
}

}  // namespace minutes
