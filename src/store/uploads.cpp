#include "store/uploads.hpp"

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

}  // namespace minutes
