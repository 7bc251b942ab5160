#include "api/quotas.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

#include "auth/password.hpp"
#include "core/text.hpp"
#include "store/quotas.hpp"

namespace minutes {
namespace {

constexpr int64_t kWindowMs = 60'000;
constexpr int64_t kMebibyte = 1 << 20;

std::string Megabytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

}  // namespace

std::string ByteLimitCode(const Status& s) {
  switch (s.kind()) {
    case ErrorKind::kTooLarge:
      return "storage_quota_exceeded";
    case ErrorKind::kResourceExhausted:
      return "upload_bytes_rate_limit";
    default:
      return "";
  }
}

Status Quotas::CountUpload(const std::string& user_id, int64_t now_ms) {
  const int limit = limits_.user_uploads_per_minute;
  if (limit <= 0) return Status::Ok();
  int64_t oldest = 0;
  bool refused = false;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    refused = false;  // the transaction may be retried
    if (Status e = DropUploadStartsUntil(tx, user_id, now_ms - kWindowMs); !e.ok()) return e;
    auto starts = CountUploadStarts(tx, user_id);
    if (!starts.ok()) return starts.status();
    int64_t count = starts->count;
    if (count >= limit) {
      // The window holds `limit` or more: the next upload may start when enough have left it.
      // Rows beyond the limit (a lowered limit) leave first, so wait for the one whose leaving
      // brings the count under it.
      auto nth = NthUploadStart(tx, user_id, count - limit);
      if (!nth.ok()) return nth.status();
      oldest = nth->value_or(starts->earliest_ms);
      refused = true;
      return Status::Ok();
    }
    return RecordUploadStart(tx, user_id, now_ms);
  });
  if (!s.ok()) return s;
  if (!refused) return Status::Ok();
  // It leaves the window when now reaches oldest + 60 s; whole seconds, rounded up.
  int64_t wait_ms = std::max<int64_t>(oldest + kWindowMs - now_ms, 1);
  int64_t wait_s = (wait_ms + 999) / 1000;
  return Status::ResourceExhausted("too many uploads: at most " + std::to_string(limit) +
                                   " per minute per user (limits.user_uploads_per_minute); try "
                                   "again in " +
                                   std::to_string(wait_s) + " s")
      .WithRetryAfter(static_cast<double>(wait_s));
}

Status Quotas::CheckQueuedTasks(Database& tx, const std::string& tenant_id) {
  const int limit = limits_.tenant_queued_tasks;
  if (limit <= 0) return Status::Ok();
  auto counted = CountQueuedTasks(tx, tenant_id);
  if (!counted.ok()) return counted.status();
  int64_t queued = *counted;
  if (queued < limit) return Status::Ok();
  return Status::ResourceExhausted("the tenant has " + std::to_string(queued) +
                                   " tasks queued, the limit (limits.tenant_queued_tasks) is " +
                                   std::to_string(limit) +
                                   "; try again when some have been processed")
      .WithRetryAfter(kQueuedTasksRetryAfterS);
}

Result<StorageUse> Quotas::Storage(Database& db, const std::string& tenant_id, int64_t now_s) {
  StorageUse use;
  use.quota = int64_t{limits_.tenant_storage_mb} * kMebibyte;
  // Summed from what the database already knows rather than a counter kept beside it: every
  // path that adds or removes an object (uploads, deletes, the sweeper, a crash half-way) stays
  // counted right without each having to remember a second write.
  auto sums = SumTenantStorage(db, tenant_id, now_s);
  if (!sums.ok()) return sums.status();
  use.recordings = sums->recordings;
  use.minutes = sums->minutes;
  use.pending = sums->open_uploads + sums->reserved;
  return use;
}

Status Quotas::Refuse(const StorageUse& use, int64_t bytes) const {
  return Status::TooLarge(
      "the tenant's storage quota of " + Megabytes(use.quota) +
      " (limits.tenant_storage_mb = " + std::to_string(limits_.tenant_storage_mb) + ") has " +
      Megabytes(std::max<int64_t>(use.quota - use.used(), 0)) + " left (" + Megabytes(use.used()) +
      " in use, uploads in progress included); " + "this upload needs " + Megabytes(bytes) +
      " more. Delete tasks to make room");
}

Result<int64_t> Quotas::Fit(Database& tx, const std::string& tenant_id, int64_t bytes,
                            int64_t now_s, bool partial) {
  if (limits_.tenant_storage_mb <= 0) return bytes;
  auto use = Storage(tx, tenant_id, now_s);
  if (!use.ok()) return use.status();
  int64_t left = use->quota - use->used();
  if (bytes <= left) return bytes;
  if (partial && left > 0) return left;
  return Refuse(*use, bytes);
}

Status Quotas::CheckFits(Database& tx, const std::string& tenant_id, int64_t bytes, int64_t now_s) {
  return Fit(tx, tenant_id, bytes, now_s, false).status();
}

Result<UploadBytesUse> Quotas::UploadBytes(Database& db, const std::string& user_id,
                                           int64_t now_ms) {
  UploadBytesUse use;
  use.limit = int64_t{limits_.user_upload_mb_per_hour} * kMebibyte;
  // Stored recordings from upload_bytes; in progress, streamed bodies' reservations there and
  // open direct uploads (declared size) from their own table, like the storage quota.
  auto sums = SumUserUploadBytes(db, user_id, now_ms);
  if (!sums.ok()) return sums.status();
  use.stored = sums->stored;
  use.pending = sums->reserved + sums->open_uploads;
  return use;
}

Result<int64_t> Quotas::FitUploadBytes(Database& tx, const std::string& user_id, int64_t bytes,
                                       int64_t now_ms, bool partial) {
  if (!UploadBytesLimited(user_id)) return bytes;
  auto use = UploadBytes(tx, user_id, now_ms);
  if (!use.ok()) return use.status();
  int64_t left = use->limit - use->used();
  if (bytes <= left) return bytes;
  if (partial && left > 0) return left;
  // Refused. A body of known length needs all of `bytes`; one of unknown length (partial)
  // needs some room to go on: wait until that much of the window has left it. Stored
  // recordings leave an hour after they were stored; uploads in progress hold their bytes
  // until they are stored, so when those are what is in the way the answer is a full hour.
  const int64_t need = partial ? 1 : bytes;
  const int limit_mb = limits_.user_upload_mb_per_hour;
  std::string what =
      "the upload bytes limit of " + Megabytes(use->limit) +
      " per hour per user (limits.user_upload_mb_per_hour = " + std::to_string(limit_mb) + ")";
  if (need > use->limit)
    return Status::ResourceExhausted("this upload of " + Megabytes(bytes) + " is more than " +
                                     what + " allows at all");
  int64_t wait_ms = kUploadBytesWindowMs;
  int64_t to_free = use->used() + need - use->limit, freed = 0;
  auto stored = ListStoredUploadBytes(tx, user_id, now_ms);
  if (!stored.ok()) return stored.status();
  for (const StoredUploadBytes& r : *stored) {
    freed += r.bytes;
    if (freed >= to_free) {
      wait_ms = r.counts_until_ms - now_ms;
      break;
    }
  }
  int64_t wait_s = (std::max<int64_t>(wait_ms, 1) + 999) / 1000;  // whole seconds, rounded up
  return Status::ResourceExhausted(
             what + " is used up: " + Megabytes(use->used()) +
             " in the last hour, uploads in progress included; this upload needs " +
             Megabytes(bytes) + " more; try again in " + std::to_string(wait_s) + " s")
      .WithRetryAfter(static_cast<double>(wait_s));
}

Status Quotas::CheckUploadBytes(Database& tx, const std::string& user_id, int64_t bytes,
                                int64_t now_ms) {
  return FitUploadBytes(tx, user_id, bytes, now_ms, false).status();
}

Status Quotas::CountCompletedUpload(Database& tx, const std::string& upload_id, int64_t bytes,
                                    int64_t now_ms) {
  if (limits_.user_upload_mb_per_hour <= 0) return Status::Ok();
  // Keyed by the upload, so completing it twice counts it once.
  return CountUploadBytesOfUpload(tx, upload_id, bytes, now_ms + kUploadBytesWindowMs);
}

Result<int64_t> Quotas::FitBoth(Database& tx, const std::string& tenant_id,
                                const std::string& user_id, int64_t bytes, int64_t now_s,
                                bool partial) {
  auto granted = Fit(tx, tenant_id, bytes, now_s, partial);
  if (!granted.ok()) return granted;
  return FitUploadBytes(tx, user_id, *granted, now_s * 1000, partial);
}

Result<QuotaFigures> Quotas::Figures(const std::string& tenant_id, const std::string& user_id,
                                     int64_t now_ms) {
  QuotaFigures f;
  auto use = Storage(db_, tenant_id, now_ms / 1000);
  if (!use.ok()) return use.status();
  f.storage = *use;
  auto queued = CountQueuedTasks(db_, tenant_id);
  if (!queued.ok()) return queued.status();
  f.queued_tasks = *queued;
  f.queued_tasks_limit = limits_.tenant_queued_tasks;
  f.max_duration_s = limits_.max_duration_s;
  auto uploads = CountUploadStartsAfter(db_, user_id, now_ms - kWindowMs);
  if (!uploads.ok()) return uploads.status();
  f.uploads_last_minute = static_cast<int>(*uploads);
  f.uploads_per_minute_limit = limits_.user_uploads_per_minute;
  auto bytes = UploadBytes(db_, user_id, now_ms);
  if (!bytes.ok()) return bytes.status();
  f.upload_bytes = *bytes;
  return f;
}

Result<Reservation> Quotas::Reserve(const std::string& tenant_id, const std::string& user_id,
                                    int64_t bytes, int64_t now_s, bool partial) {
  const bool storage = StorageLimited(), upload_bytes = UploadBytesLimited(user_id);
  if (!storage && !upload_bytes) return Reservation{"", bytes};
  auto id = RandomHex(12);
  if (!id.ok()) return id.status();
  Reservation r{*id, 0};
  const int64_t now_ms = now_s * 1000;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto granted = FitBoth(tx, tenant_id, user_id, bytes, now_s, partial);
    if (!granted.ok()) return granted.status();
    r.bytes = *granted;
    // Lapsed reservations (of a process that died mid-upload), and stored bytes past the
    // window, go as new ones come.
    if (storage) {
      if (Status e = DropLapsedStorageReservations(tx, tenant_id, now_s); !e.ok()) return e;
      if (Status e =
              InsertStorageReservation(tx, r.id, tenant_id, r.bytes, now_s + kReservationTtlS);
          !e.ok())
        return e;
    }
    if (!upload_bytes) return Status::Ok();
    if (Status e = DropUploadBytesUntil(tx, user_id, now_ms); !e.ok()) return e;
    return InsertPendingUploadBytes(tx, r.id, user_id, r.bytes, now_ms + kReservationTtlS * 1000);
  });
  if (!s.ok()) return s;
  return r;
}

Result<int64_t> Quotas::Extend(const std::string& id, const std::string& tenant_id,
                               const std::string& user_id, int64_t bytes, int64_t now_s,
                               bool partial) {
  if (id.empty()) return bytes;
  int64_t added = 0;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto granted = FitBoth(tx, tenant_id, user_id, bytes, now_s, partial);
    if (!granted.ok()) return granted.status();
    added = *granted;
    // Either row may be absent (its limit is off); the other is extended alone.
    if (Status e = ExtendStorageReservation(tx, id, added, now_s + kReservationTtlS); !e.ok())
      return e;
    return ExtendPendingUploadBytes(tx, id, added, (now_s + kReservationTtlS) * 1000);
  });
  if (!s.ok()) return s;
  return added;
}

Status Quotas::Release(Database& db, const std::string& id) {
  if (id.empty()) return Status::Ok();
  // Two statements, no transaction of their own: `db` may be the caller's transaction.
  if (Status e = DeleteStorageReservation(db, id); !e.ok()) return e;
  return DeletePendingUploadBytes(db, id);
}

Status Quotas::Record(Database& tx, const std::string& id, const std::string& user_id,
                      int64_t bytes, int64_t now_ms) {
  if (id.empty()) return Status::Ok();
  if (Status e = DeleteStorageReservation(tx, id); !e.ok()) return e;
  if (!UploadBytesLimited(user_id)) return Status::Ok();
  // The reserved row becomes the stored one (written afresh should it have lapsed meanwhile).
  return RecordStoredUploadBytes(tx, id, user_id, bytes, now_ms + kUploadBytesWindowMs);
}

// The body, passed on only as far as it is reserved. A reservation refused ends the stream with
// badbit set on the reader's istream (no exception: callers may read the streambuf directly), so
// the store fails the Put as for a broken body and stores nothing.
class QuotaReader::Buf : public std::streambuf {
 public:
  Buf(Quotas& quotas, std::istream& body, std::string tenant_id, std::string user_id,
      int64_t expected, int64_t step)
      : quotas_(quotas),
        body_(body),
        tenant_(std::move(tenant_id)),
        user_(std::move(user_id)),
        expected_(expected),
        step_(step) {}
  ~Buf() override {
    if (!committed_) (void)Quotas::Release(quotas_.db(), id_);
  }

  Status Start(int64_t now_s) {
    // A declared length is reserved whole (refused before any byte is read when it cannot
    // fit); an unknown one a step at a time, as much of a step as is left. No reservation (no
    // limit on): the body passes as it is.
    auto r = expected_ >= 0 ? quotas_.Reserve(tenant_, user_, expected_, now_s)
                            : quotas_.Reserve(tenant_, user_, step_, now_s, true);
    if (!r.ok()) return error_ = r.status();
    id_ = r->id;
    reserved_ = r->bytes;
    unlimited_ = id_.empty();
    return Status::Ok();
  }

  Status Record(Database& tx, int64_t bytes, int64_t now_ms) {
    return quotas_.Record(tx, id_, user_, bytes, now_ms);
  }

  Status error_;
  std::string id_;
  bool committed_ = false;
  bool unlimited_ = false;
  std::istream* owner_ = nullptr;  ///< the reader's stream, marked bad when the body is cut

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    std::streamsize n = Pass(buf_, sizeof buf_);
    if (n <= 0) return traits_type::eof();
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

  // Big reads (the store's 4 MiB blocks) go from the body straight into the caller's buffer,
  // not 64 KiB at a time through buf_.
  std::streamsize xsgetn(char* out, std::streamsize n) override {
    std::streamsize got = 0;
    while (got < n) {
      if (gptr() < egptr()) {
        std::streamsize k = std::min<std::streamsize>(egptr() - gptr(), n - got);
        std::memcpy(out + got, gptr(), static_cast<size_t>(k));
        gbump(static_cast<int>(k));
        got += k;
        continue;
      }
      std::streamsize k = Pass(out + got, n - got);
      if (k <= 0) break;
      got += k;
    }
    return got;
  }

 private:
  // Reads at most `n` bytes of the body that the reservation covers into `out`, extending the
  // reservation when it is used up; 0 at the body's end or when it was cut (badbit set).
  std::streamsize Pass(char* out, std::streamsize n) {
    if (!error_.ok()) return Cut(), 0;
    int64_t room = unlimited_ ? int64_t{n} : reserved_ - passed_;
    if (room <= 0) {
      // Peek first: a body that ends exactly at its reservation needs no more.
      if (body_.peek() == std::char_traits<char>::eof()) return 0;
      auto added = quotas_.Extend(id_, tenant_, user_, step_, std::time(nullptr), true);
      if (!added.ok()) {
        error_ = added.status();
        return Cut(), 0;
      }
      reserved_ += *added;
      room = *added;
    }
    body_.read(out, static_cast<std::streamsize>(std::min<int64_t>(room, n)));
    std::streamsize got = body_.gcount();
    if (got <= 0) {
      if (body_.bad()) Cut();
      return 0;
    }
    passed_ += got;
    return got;
  }

  int_type Cut() {
    if (owner_) owner_->setstate(std::ios_base::badbit);
    return traits_type::eof();
  }
  Quotas& quotas_;
  std::istream& body_;
  std::string tenant_, user_;
  int64_t expected_, step_;
  int64_t reserved_ = 0, passed_ = 0;
  char buf_[64 * 1024];
};

QuotaReader::QuotaReader(Quotas& quotas, std::istream& body, std::string tenant_id,
                         std::string user_id, int64_t expected, int64_t step)
    : buf_(std::make_unique<Buf>(quotas, body, std::move(tenant_id), std::move(user_id), expected,
                                 step)),
      body_(body),
      stream_(buf_.get()) {
  buf_->owner_ = &stream_;
}

std::istream& QuotaReader::stream() { return buf_->unlimited_ ? body_ : stream_; }

QuotaReader::~QuotaReader() = default;

Status QuotaReader::Start(int64_t now_s) { return buf_->Start(now_s); }

const Status& QuotaReader::error() const { return buf_->error_; }

const std::string& QuotaReader::reservation() const { return buf_->id_; }

Status QuotaReader::Record(Database& tx, int64_t bytes, int64_t now_ms) {
  return buf_->Record(tx, bytes, now_ms);
}

void QuotaReader::Commit() { buf_->committed_ = true; }

}  // namespace minutes
