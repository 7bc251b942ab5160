#pragma once
// Quotas and caps on what one tenant or user can claim (config `limits`): storage, queued tasks,
// uploads per minute and bytes uploaded per hour. Everything is kept in the database, so every API
// instance enforces the same figures; each check and the claim it allows are one transaction
// (SQLite's single writer, PostgreSQL's SERIALIZABLE with retries), so concurrent requests never
// pass a limit together.
#include <cstdint>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

#include "config/config.hpp"
#include "core/status.hpp"
#include "db/database.hpp"

namespace minutes {

/// A tenant's storage as the quota counts it, in bytes.
struct StorageUse {
  int64_t recordings = 0;  ///< stored objects (objects.size)
  int64_t minutes = 0;     ///< minutes versions (their JSON, in the database)
  int64_t pending = 0;     ///< open direct uploads (declared size) and streamed-upload reservations
  int64_t quota = 0;       ///< limits.tenant_storage_mb in bytes; 0 = unlimited
  int64_t used() const { return recordings + minutes + pending; }
};

/// A user's uploaded bytes as limits.user_upload_mb_per_hour counts them.
struct UploadBytesUse {
  int64_t stored = 0;   ///< recordings stored in the last hour
  int64_t pending = 0;  ///< uploads in progress: open direct uploads (declared size), streamed
                        ///< bodies' reservations
  int64_t limit = 0;    ///< limits.user_upload_mb_per_hour in bytes; 0 = unlimited
  int64_t used() const { return stored + pending; }
};

/// The limits in force and one tenant's (and user's) figures against them, for /api/v1/usage.
struct QuotaFigures {
  StorageUse storage;
  int64_t queued_tasks = 0;
  int queued_tasks_limit = 0;  ///< 0 = unlimited
  int max_duration_s = 0;
  int uploads_last_minute = 0;       ///< the asking user's
  int uploads_per_minute_limit = 0;  ///< 0 = unlimited
  UploadBytesUse upload_bytes;       ///< the asking user's
};

/// Storage quota and upload bytes held for a streamed upload until its object is recorded.
struct Reservation {
  std::string id;  ///< "" when neither limit is on
  int64_t bytes = 0;
};

/// Seconds a client refused for the queued-task limit is asked to wait: tasks take minutes.
inline constexpr int kQueuedTasksRetryAfterS = 60;

/// The code naming the byte limit behind a refusal by CheckFits, CheckUploadBytes, Reserve,
/// Extend or a QuotaReader: "storage_quota_exceeded" (TooLarge), "upload_bytes_rate_limit"
/// (ResourceExhausted); "" for any other failure (the database's on the way).
std::string ByteLimitCode(const Status& s);

/// The limits over one database. Thread-safe as the Database is.
class Quotas {
 public:
  Quotas(Database& db, const LimitsConfig& limits) : db_(db), limits_(limits) {}

  const LimitsConfig& limits() const { return limits_; }
  Database& db() const { return db_; }

  /// Counts one upload started by `user_id` at `now_ms` (Unix milliseconds) when fewer than
  /// limits.user_uploads_per_minute were started in the minute before; otherwise
  /// ResourceExhausted with Retry-After: when the oldest upload in the window leaves it.
  Status CountUpload(const std::string& user_id, int64_t now_ms);

  /// Ok while `tenant_id` has fewer than limits.tenant_queued_tasks queued tasks; otherwise
  /// ResourceExhausted (Retry-After kQueuedTasksRetryAfterS). Run it in the transaction that
  /// inserts the task (`tx`), so that the count and the insert are one step.
  Status CheckQueuedTasks(Database& tx, const std::string& tenant_id);

  /// The tenant's storage in use, read through `db` (a transaction or the database).
  Result<StorageUse> Storage(Database& db, const std::string& tenant_id, int64_t now_s);

  /// Ok when `bytes` more fit in the tenant's quota (always, when it is unlimited); otherwise
  /// TooLarge naming the quota, what is used and what was asked for. Run it in the transaction
  /// that records the bytes (a direct upload's row), so the check and the claim are one step.
  Status CheckFits(Database& tx, const std::string& tenant_id, int64_t bytes, int64_t now_s);

  /// The bytes `user_id` uploaded in the hour before `now_ms` (Unix milliseconds) and has in
  /// progress, read through `db` (a transaction or the database).
  Result<UploadBytesUse> UploadBytes(Database& db, const std::string& user_id, int64_t now_ms);

  /// Ok when `bytes` more fit in the user's limits.user_upload_mb_per_hour (always, when it is
  /// off); otherwise ResourceExhausted naming the limit, with Retry-After when enough of the
  /// window will have left it (none when `bytes` alone are more than the limit). Run it in the
  /// transaction that records the bytes (a direct upload's row), so the check and the claim are
  /// one step.
  Status CheckUploadBytes(Database& tx, const std::string& user_id, int64_t bytes, int64_t now_ms);

  /// Direct upload `upload_id` was completed into an object of `bytes`: they count for its
  /// user from `now_ms`. In the transaction that records the object (until then its declared
  /// size counts as in progress); nothing is written while the limit is off.
  Status CountCompletedUpload(Database& tx, const std::string& upload_id, int64_t bytes,
                              int64_t now_ms);

  /// Everything /api/v1/usage shows.
  Result<QuotaFigures> Figures(const std::string& tenant_id, const std::string& user_id,
                               int64_t now_ms);

  /// Reserves `bytes` for a streamed upload by `user_id` of `tenant_id`, of the tenant's
  /// storage quota (a row in storage_reservations) and of the user's upload bytes per hour (a
  /// pending row in upload_bytes), lapsing after kReservationTtlS unless extended. TooLarge
  /// (storage) or ResourceExhausted (upload bytes, with Retry-After) when they do not fit; with
  /// `partial`, what is left of both is granted when that is less (refused only when nothing
  /// is). With neither limit on nothing is written: the id is "" and all is granted.
  Result<Reservation> Reserve(const std::string& tenant_id, const std::string& user_id,
                              int64_t bytes, int64_t now_s, bool partial = false);
  /// Adds `bytes` (with `partial`, as many of them as are left) to reservation `id` and renews
  /// it; how many were added, or the refusal as Reserve's.
  Result<int64_t> Extend(const std::string& id, const std::string& tenant_id,
                         const std::string& user_id, int64_t bytes, int64_t now_s,
                         bool partial = false);
  /// Drops reservation `id` ("" is fine) of an upload that failed: nothing of it counts.
  static Status Release(Database& db, const std::string& id);
  /// The upload of reservation `id` ("" is fine) stored `bytes` as an object, recorded in
  /// transaction `tx`: the storage reservation goes (the object counts itself) and the user's
  /// reserved bytes become the object's size, counted for an hour from `now_ms`.
  Status Record(Database& tx, const std::string& id, const std::string& user_id, int64_t bytes,
                int64_t now_ms);

  /// How long a reservation holds without being extended.
  static constexpr int64_t kReservationTtlS = 3600;
  /// The window of limits.user_upload_mb_per_hour.
  static constexpr int64_t kUploadBytesWindowMs = 3'600'000;

 private:
  Status Refuse(const StorageUse& use, int64_t bytes) const;
  /// How many of `bytes` fit now in the tenant's storage (all or, with `partial`, what is
  /// left); TooLarge when none (or, without `partial`, not all) do.
  Result<int64_t> Fit(Database& tx, const std::string& tenant_id, int64_t bytes, int64_t now_s,
                      bool partial);
  /// The same for the user's upload bytes per hour; ResourceExhausted when they do not fit.
  Result<int64_t> FitUploadBytes(Database& tx, const std::string& user_id, int64_t bytes,
                                 int64_t now_ms, bool partial);
  /// Fit, then FitUploadBytes for what the storage granted.
  Result<int64_t> FitBoth(Database& tx, const std::string& tenant_id, const std::string& user_id,
                          int64_t bytes, int64_t now_s, bool partial);
  bool StorageLimited() const { return limits_.tenant_storage_mb > 0; }
  bool UploadBytesLimited(const std::string& user_id) const {
    return limits_.user_upload_mb_per_hour > 0 && !user_id.empty();
  }
  Database& db_;
  LimitsConfig limits_;
};

/// Reads a request body while holding storage quota and the user's upload bytes for it: bytes
/// are passed on only once they are reserved (Quotas::Reserve), in steps of `step` bytes, so an
/// upload is stopped as soon as it would pass either limit (the reader then fails like a broken
/// stream, and error() says why). With neither limit on it is a plain pass-through. The
/// reservation is released on destruction unless Commit()ed.
class QuotaReader {
 public:
  /// `expected`: the body's length when known (Content-Length): reserved at once, so a body that
  /// cannot fit is refused before any byte is read; -1 = unknown (chunked).
  QuotaReader(Quotas& quotas, std::istream& body, std::string tenant_id, std::string user_id,
              int64_t expected, int64_t step = 8 << 20);
  ~QuotaReader();
  QuotaReader(const QuotaReader&) = delete;
  QuotaReader& operator=(const QuotaReader&) = delete;

  /// Reserves what is known up front; TooLarge (storage quota) or ResourceExhausted (upload
  /// bytes per hour) when the declared length cannot fit.
  Status Start(int64_t now_s);
  /// The body as the store reads it (the request's own stream when no limit is on).
  std::istream& stream();
  /// Ok, or why the body was cut (TooLarge over the quota, ResourceExhausted over the upload
  /// bytes per hour, or the database's failure).
  const Status& error() const;
  /// The reservation's id ("" with no limit on).
  const std::string& reservation() const;
  /// In the transaction that records the object: the reservation becomes the stored `bytes`
  /// (Quotas::Record). Call Commit() once that transaction has committed.
  Status Record(Database& tx, int64_t bytes, int64_t now_ms);
  /// The transaction that recorded the object took the reservation's place: nothing to release.
  void Commit();

 private:
  class Buf;
  std::unique_ptr<Buf> buf_;
  std::istream& body_;
  std::istream stream_;
};

}  // namespace minutes
