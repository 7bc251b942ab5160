#pragma once
// The uploads repository (table uploads): direct uploads of big recordings, in parts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// A direct upload still open past its expiry.
struct ExpiredUpload {
  std::string id;
  std::string storage_key;      ///< the object it was to become
  std::string store_upload_id;  ///< the object store's multipart upload
};

/// The uploads still open whose expires_at is before `now` (ISO 8601, as core/clock.hpp writes).
Result<std::vector<ExpiredUpload>> FindExpiredUploads(Database& db, const std::string& now);

/// Marks the upload expired, if it is still open.
Status MarkUploadExpired(Database& db, const std::string& upload_id);

/// One row of uploads (but its user).
struct UploadRow {
  std::string id, tenant_id, filename, content_type, storage_key, store_upload_id,
      token_hash,    ///< SHA-256 of the one token of URLs from before migration 0006; else ""
      part_url_key,  ///< signs the API's part URLs; "" until first needed
      state,         ///< open, completed, aborted, expired
      object_id,     ///< "" until completed
      task_id,       ///< "" until a task is made of it
      created_at, expires_at;
  int64_t size = 0, part_size = 0;
  /// How many parts it has, and the bytes of part `n` (from 1): all part_size but the last.
  int parts_total() const { return static_cast<int>((size + part_size - 1) / part_size); }
  int64_t PartBytes(int n) const {
    return n < parts_total() ? part_size : size - part_size * (parts_total() - 1);
  }
};

/// The upload `upload_id` if it belongs to tenant `tenant_id`, or nullopt.
Result<std::optional<UploadRow>> FindTenantUpload(Database& db, const std::string& upload_id,
                                                  const std::string& tenant_id);

/// The upload `upload_id` of any tenant (its part URLs are the credential), or nullopt.
Result<std::optional<UploadRow>> FindUploadById(Database& db, const std::string& upload_id);

/// The uploads of user `user_id` in tenant `tenant_id`, newest first, at most 100; only those in
/// `state` unless it is "".
Result<std::vector<UploadRow>> ListUserUploads(Database& db, const std::string& tenant_id,
                                               const std::string& user_id,
                                               const std::string& state);

/// Adds `u` as an open upload of user `user_id` (its token_hash, state and ids as given are
/// ignored: "" and open).
Status InsertUpload(Database& db, const UploadRow& u, const std::string& user_id);

/// Gives the upload part URL key `key` unless it has one; then the key it has (nullopt: no such
/// upload). Concurrent callers all get the same key.
Result<std::optional<std::string>> EnsureUploadPartUrlKey(Database& db,
                                                          const std::string& upload_id,
                                                          const std::string& key);

/// The upload was aborted (by its user, or refused when completed).
Status MarkUploadAborted(Database& db, const std::string& upload_id);

/// The upload's parts were joined into object `object_id`.
Status MarkUploadCompleted(Database& db, const std::string& upload_id,
                           const std::string& object_id);

/// The upload's object was refused (and is deleted): aborted, with no object.
Status MarkUploadAbortedWithoutObject(Database& db, const std::string& upload_id);

/// Task `task_id` was made of the upload.
Status SetUploadTask(Database& db, const std::string& upload_id, const std::string& task_id);

/// The object of a completed upload no task was made of yet.
struct UntakenUploadObject {
  std::string object_id, storage_key;
  int64_t size = 0;
  std::optional<double> duration;  ///< seconds; nullopt when not known
};

/// The object of upload `upload_id` of tenant `tenant_id` when it is completed and no task was
/// made of it, else nullopt.
Result<std::optional<UntakenUploadObject>> FindUntakenUploadObject(Database& db,
                                                                   const std::string& upload_id,
                                                                   const std::string& tenant_id);
}  // namespace minutes
