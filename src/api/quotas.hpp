#pragma once
// Quotas and caps on what one tenant or user can claim (config `limits`): storage, queued tasks
// and uploads per minute. Everything is kept in the database, so every API instance enforces the
// same figures; each check and the claim it allows are one transaction (SQLite's single writer,
// PostgreSQL's SERIALIZABLE with retries), so concurrent requests never pass a limit together.
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

/// The limits in force and one tenant's (and user's) figures against them, for /api/v1/usage.
struct QuotaFigures {
  StorageUse storage;
  int64_t queued_tasks = 0;
  int queued_tasks_limit = 0;  ///< 0 = unlimited
  int max_duration_s = 0;
  int uploads_last_minute = 0;       ///< the asking user's
  int uploads_per_minute_limit = 0;  ///< 0 = unlimited
};

/// Storage quota held for a streamed upload until its object is recorded.
struct Reservation {
  std::string id;  ///< "" when there is no quota
  int64_t bytes = 0;
};

/// Seconds a client refused for the queued-task limit is asked to wait: tasks take minutes.
inline constexpr int kQueuedTasksRetryAfterS = 60;

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

  /// Everything /api/v1/usage shows.
  Result<QuotaFigures> Figures(const std::string& tenant_id, const std::string& user_id,
                               int64_t now_ms);

  /// Reserves `bytes` of the tenant's quota for a streamed upload (a row in
  /// storage_reservations, lapsing after kReservationTtlS unless extended). TooLarge when they
  /// do not fit; with `partial`, what is left is granted when that is less (TooLarge only when
  /// nothing is). With no quota nothing is written: the id is "" and all is granted.
  Result<Reservation> Reserve(const std::string& tenant_id, int64_t bytes, int64_t now_s,
                              bool partial = false);
  /// Adds `bytes` (with `partial`, as many of them as are left) to reservation `id` and renews
  /// it; how many were added, or TooLarge.
  Result<int64_t> Extend(const std::string& id, const std::string& tenant_id, int64_t bytes,
                         int64_t now_s, bool partial = false);
  /// Drops reservation `id` ("" is fine), through `db` (the transaction that records the object
  /// takes the reservation's place, or the database when the upload failed).
  static Status Release(Database& db, const std::string& id);

  /// How long a reservation holds without being extended.
  static constexpr int64_t kReservationTtlS = 3600;

 private:
  Status Refuse(const StorageUse& use, int64_t bytes) const;
  /// How many of `bytes` fit now (all or, with `partial`, what is left); TooLarge when none
  /// (or, without `partial`, not all) do.
  Result<int64_t> Fit(Database& tx, const std::string& tenant_id, int64_t bytes, int64_t now_s,
                      bool partial);
  Database& db_;
  LimitsConfig limits_;
};

/// Reads a request body while holding storage quota for it: bytes are passed on only once they
/// are reserved, in steps of `step` bytes, so an upload is stopped as soon as it would pass the
/// quota (the reader then fails like a broken stream, and error() says why). With no quota it is
/// a plain pass-through. The reservation is released on destruction unless Commit()ed.
class QuotaReader {
 public:
  /// `expected`: the body's length when known (Content-Length): reserved at once, so a body that
  /// cannot fit is refused before any byte is read; -1 = unknown (chunked).
  QuotaReader(Quotas& quotas, std::istream& body, std::string tenant_id, int64_t expected,
              int64_t step = 8 << 20);
  ~QuotaReader();
  QuotaReader(const QuotaReader&) = delete;
  QuotaReader& operator=(const QuotaReader&) = delete;

  /// Reserves what is known up front; TooLarge when the declared length cannot fit.
  Status Start(int64_t now_s);
  /// The body as the store reads it (the request's own stream when there is no quota).
  std::istream& stream();
  /// Ok, or why the body was cut (TooLarge over the quota, or the database's failure).
  const Status& error() const;
  /// The reservation's id ("" with no quota): drop it in the transaction that records the
  /// object, then call Commit().
  const std::string& reservation() const;
  /// The transaction that recorded the object dropped the reservation: nothing to release.
  void Commit();

 private:
  class Buf;
  std::unique_ptr<Buf> buf_;
  std::istream& body_;
  std::istream stream_;
};

}  // namespace minutes
