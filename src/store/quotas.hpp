#pragma once
// The quota figures' repository (tables upload_starts, upload_bytes, storage_reservations, and
// the sums over objects, artifacts, uploads and tasks the quotas count): what api/quotas.cpp
// reads and writes. Each function is one statement on the `Database&` it is given, which is
// the caller's transaction where the check and the claim must go together.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

// --- upload starts (limits.user_uploads_per_minute) ---

/// Forgets the user's upload starts at or before `cutoff_ms`.
Status DropUploadStartsUntil(Database& db, const std::string& user_id, int64_t cutoff_ms);

/// The user's upload starts still kept: how many, and the earliest (0 when none).
struct UploadStarts {
  int64_t count = 0;
  int64_t earliest_ms = 0;
};

/// The user's upload starts kept now.
Result<UploadStarts> CountUploadStarts(Database& db, const std::string& user_id);

/// The time of the user's upload start number `offset` (from 0, oldest first), or nullopt.
Result<std::optional<int64_t>> NthUploadStart(Database& db, const std::string& user_id,
                                              int64_t offset);

/// Records an upload start of the user at `at_ms`.
Status RecordUploadStart(Database& db, const std::string& user_id, int64_t at_ms);

/// How many uploads the user started after `after_ms`.
Result<int64_t> CountUploadStartsAfter(Database& db, const std::string& user_id, int64_t after_ms);

// --- the tenant's queued tasks (limits.tenant_queued_tasks) ---

/// How many of the tenant's tasks are queued.
Result<int64_t> CountQueuedTasks(Database& db, const std::string& tenant_id);

// --- the tenant's storage (limits.tenant_storage_mb) ---

/// The tenant's stored bytes, by what holds them.
struct TenantStorageBytes {
  int64_t recordings = 0;    ///< objects.size
  int64_t minutes = 0;       ///< the minutes versions' JSON (bytes, not characters)
  int64_t open_uploads = 0;  ///< the declared size of open direct uploads not expired
  int64_t reserved = 0;      ///< storage_reservations not expired
};

/// The sums at `now_s` (Unix seconds).
Result<TenantStorageBytes> SumTenantStorage(Database& db, const std::string& tenant_id,
                                            int64_t now_s);

/// Forgets the tenant's reservations that expired at or before `now_s`.
Status DropLapsedStorageReservations(Database& db, const std::string& tenant_id, int64_t now_s);

/// Reserves `bytes` of the tenant's storage under `id` until `expires_at_s`.
Status InsertStorageReservation(Database& db, const std::string& id, const std::string& tenant_id,
                                int64_t bytes, int64_t expires_at_s);

/// Adds `bytes` to reservation `id` and moves its expiry (nothing when there is none).
Status ExtendStorageReservation(Database& db, const std::string& id, int64_t bytes,
                                int64_t expires_at_s);

/// Deletes reservation `id` (nothing when there is none).
Status DeleteStorageReservation(Database& db, const std::string& id);

// --- the user's upload bytes (limits.user_upload_mb_per_hour) ---

/// The user's upload bytes counted at `now_ms`.
struct UserUploadBytes {
  int64_t stored = 0;        ///< recordings stored whose hour has not passed
  int64_t reserved = 0;      ///< streamed bodies' reservations (pending rows)
  int64_t open_uploads = 0;  ///< the declared size of open direct uploads not expired
};

/// The sums at `now_ms` (Unix milliseconds).
Result<UserUploadBytes> SumUserUploadBytes(Database& db, const std::string& user_id,
                                           int64_t now_ms);

/// A stored recording's bytes and when they stop counting.
struct StoredUploadBytes {
  int64_t bytes = 0;
  int64_t counts_until_ms = 0;
};

/// The user's stored bytes still counting at `now_ms`, those leaving first first.
Result<std::vector<StoredUploadBytes>> ListStoredUploadBytes(Database& db,
                                                             const std::string& user_id,
                                                             int64_t now_ms);

/// Counts `bytes` of upload `upload_id` for its user until `counts_until_ms`, once per upload.
Status CountUploadBytesOfUpload(Database& db, const std::string& upload_id, int64_t bytes,
                                int64_t counts_until_ms);

/// Forgets the user's upload bytes (stored or reserved) that stopped counting by `now_ms`.
Status DropUploadBytesUntil(Database& db, const std::string& user_id, int64_t now_ms);

/// Reserves `bytes` of the user's upload bytes under `id` until `counts_until_ms`.
Status InsertPendingUploadBytes(Database& db, const std::string& id, const std::string& user_id,
                                int64_t bytes, int64_t counts_until_ms);

/// Adds `bytes` to reservation `id` and moves its end (nothing when there is none).
Status ExtendPendingUploadBytes(Database& db, const std::string& id, int64_t bytes,
                                int64_t counts_until_ms);

/// Deletes reservation `id` (stored bytes under the id are kept).
Status DeletePendingUploadBytes(Database& db, const std::string& id);

/// Reservation `id` becomes `bytes` stored, counting until `counts_until_ms` (written afresh
/// when the reservation lapsed meanwhile).
Status RecordStoredUploadBytes(Database& db, const std::string& id, const std::string& user_id,
                               int64_t bytes, int64_t counts_until_ms);

}  // namespace minutes
