#include "api/quotas.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "auth/password.hpp"
#include "core/text.hpp"

namespace minutes {
namespace {

constexpr int64_t kWindowMs = 60'000;
constexpr int64_t kMebibyte = 1 << 20;

// Unix seconds as the uploads table stores times ("2026-11-22T10:00:30Z").
std::string IsoAt(int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Megabytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

}  // namespace

Status Quotas::CountUpload(const std::string& user_id, int64_t now_ms) {
  const int limit = limits_.user_uploads_per_minute;
  if (limit <= 0) return Status::Ok();
  int64_t oldest = 0;
  bool refused = false;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    refused = false;  // the transaction may be retried
    if (Status e = tx.Exec("DELETE FROM upload_starts WHERE user_id = ? AND at_ms <= ?",
                           {user_id, now_ms - kWindowMs});
        !e.ok())
      return e;
    auto rows =
        tx.Query("SELECT count(*), min(at_ms) FROM upload_starts WHERE user_id = ?", {user_id});
    if (!rows.ok()) return rows.status();
    int64_t count = AsInt((*rows)[0][0]);
    if (count >= limit) {
      // The window holds `limit` or more: the next upload may start when enough have left it.
      // Rows beyond the limit (a lowered limit) leave first, so wait for the one whose leaving
      // brings the count under it.
      auto nth = tx.Query(
          "SELECT at_ms FROM upload_starts WHERE user_id = ? ORDER BY at_ms LIMIT 1 OFFSET ?",
          {user_id, count - limit});
      if (!nth.ok()) return nth.status();
      oldest = nth->empty() ? AsInt((*rows)[0][1]) : AsInt((*nth)[0][0]);
      refused = true;
      return Status::Ok();
    }
    return tx.Exec("INSERT INTO upload_starts (user_id, at_ms) VALUES (?, ?)", {user_id, now_ms});
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
  auto rows =
      tx.Query("SELECT count(*) FROM tasks WHERE tenant_id = ? AND state = 'queued'", {tenant_id});
  if (!rows.ok()) return rows.status();
  int64_t queued = AsInt((*rows)[0][0]);
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
      {tenant_id, tenant_id, tenant_id, IsoAt(now_s), tenant_id, now_s});
  if (!rows.ok()) return rows.status();
  const DbRow& r = (*rows)[0];
  use.recordings = AsInt(r[0]);
  use.minutes = AsInt(r[1]);
  use.pending = AsInt(r[2]) + AsInt(r[3]);
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

Result<QuotaFigures> Quotas::Figures(const std::string& tenant_id, const std::string& user_id,
                                     int64_t now_ms) {
  QuotaFigures f;
  auto use = Storage(db_, tenant_id, now_ms / 1000);
  if (!use.ok()) return use.status();
  f.storage = *use;
  auto queued =
      db_.Query("SELECT count(*) FROM tasks WHERE tenant_id = ? AND state = 'queued'", {tenant_id});
  if (!queued.ok()) return queued.status();
  f.queued_tasks = AsInt((*queued)[0][0]);
  f.queued_tasks_limit = limits_.tenant_queued_tasks;
  f.max_duration_s = limits_.max_duration_s;
  auto uploads = db_.Query("SELECT count(*) FROM upload_starts WHERE user_id = ? AND at_ms > ?",
                           {user_id, now_ms - kWindowMs});
  if (!uploads.ok()) return uploads.status();
  f.uploads_last_minute = static_cast<int>(AsInt((*uploads)[0][0]));
  f.uploads_per_minute_limit = limits_.user_uploads_per_minute;
  return f;
}

Result<Reservation> Quotas::Reserve(const std::string& tenant_id, int64_t bytes, int64_t now_s,
                                    bool partial) {
  if (limits_.tenant_storage_mb <= 0) return Reservation{"", bytes};
  auto id = RandomHex(12);
  if (!id.ok()) return id.status();
  Reservation r{*id, 0};
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto granted = Fit(tx, tenant_id, bytes, now_s, partial);
    if (!granted.ok()) return granted.status();
    r.bytes = *granted;
    // Lapsed reservations (of a process that died mid-upload) go as new ones come.
    if (Status e = tx.Exec("DELETE FROM storage_reservations WHERE tenant_id = ? AND "
                           "expires_at <= ?",
                           {tenant_id, now_s});
        !e.ok())
      return e;
    return tx.Exec(
        "INSERT INTO storage_reservations (id, tenant_id, bytes, expires_at) VALUES (?, ?, ?, ?)",
        {r.id, tenant_id, r.bytes, now_s + kReservationTtlS});
  });
  if (!s.ok()) return s;
  return r;
}

Result<int64_t> Quotas::Extend(const std::string& id, const std::string& tenant_id, int64_t bytes,
                               int64_t now_s, bool partial) {
  if (id.empty()) return bytes;
  int64_t added = 0;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto granted = Fit(tx, tenant_id, bytes, now_s, partial);
    if (!granted.ok()) return granted.status();
    added = *granted;
    return tx.Exec("UPDATE storage_reservations SET bytes = bytes + ?, expires_at = ? WHERE id = ?",
                   {added, now_s + kReservationTtlS, id});
  });
  if (!s.ok()) return s;
  return added;
}

Status Quotas::Release(Database& db, const std::string& id) {
  if (id.empty()) return Status::Ok();
  return db.Exec("DELETE FROM storage_reservations WHERE id = ?", {id});
}

// The body, passed on only as far as it is reserved. A reservation refused ends the stream with
// badbit set on the reader's istream (no exception: callers may read the streambuf directly), so
// the store fails the Put as for a broken body and stores nothing.
class QuotaReader::Buf : public std::streambuf {
 public:
  Buf(Quotas& quotas, std::istream& body, std::string tenant_id, int64_t expected, int64_t step)
      : quotas_(quotas),
        body_(body),
        tenant_(std::move(tenant_id)),
        expected_(expected),
        step_(step) {}
  ~Buf() override {
    if (!committed_) (void)Quotas::Release(quotas_.db(), id_);
  }

  Status Start(int64_t now_s) {
    if (quotas_.limits().tenant_storage_mb <= 0) {
      unlimited_ = true;
      return Status::Ok();
    }
    // A declared length is reserved whole (refused before any byte is read when it cannot
    // fit); an unknown one a step at a time, as much of a step as is left.
    auto r = expected_ >= 0 ? quotas_.Reserve(tenant_, expected_, now_s)
                            : quotas_.Reserve(tenant_, step_, now_s, true);
    if (!r.ok()) return error_ = r.status();
    id_ = r->id;
    reserved_ = r->bytes;
    return Status::Ok();
  }

  Status error_;
  std::string id_;
  bool committed_ = false;
  bool unlimited_ = false;
  std::istream* owner_ = nullptr;  ///< the reader's stream, marked bad when the body is cut

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!error_.ok()) return Cut();
    int64_t room = unlimited_ ? int64_t{sizeof buf_} : reserved_ - passed_;
    if (room <= 0) {
      // Peek first: a body that ends exactly at its reservation needs no more.
      if (body_.peek() == std::char_traits<char>::eof()) return traits_type::eof();
      auto added = quotas_.Extend(id_, tenant_, step_, std::time(nullptr), true);
      if (!added.ok()) {
        error_ = added.status();
        return Cut();
      }
      reserved_ += *added;
      room = *added;
    }
    body_.read(buf_, static_cast<std::streamsize>(std::min<int64_t>(room, sizeof buf_)));
    std::streamsize n = body_.gcount();
    if (n <= 0) {
      if (body_.bad()) return Cut();
      return traits_type::eof();
    }
    passed_ += n;
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  int_type Cut() {
    if (owner_) owner_->setstate(std::ios_base::badbit);
    return traits_type::eof();
  }
  Quotas& quotas_;
  std::istream& body_;
  std::string tenant_;
  int64_t expected_, step_;
  int64_t reserved_ = 0, passed_ = 0;
  char buf_[64 * 1024];
};

QuotaReader::QuotaReader(Quotas& quotas, std::istream& body, std::string tenant_id,
                         int64_t expected, int64_t step)
    : buf_(std::make_unique<Buf>(quotas, body, std::move(tenant_id), expected, step)),
      body_(body),
      stream_(buf_.get()) {
  buf_->owner_ = &stream_;
}

std::istream& QuotaReader::stream() { return buf_->unlimited_ ? body_ : stream_; }

QuotaReader::~QuotaReader() = default;

Status QuotaReader::Start(int64_t now_s) { return buf_->Start(now_s); }

const Status& QuotaReader::error() const { return buf_->error_; }

const std::string& QuotaReader::reservation() const { return buf_->id_; }

void QuotaReader::Commit() { buf_->committed_ = true; }

}  // namespace minutes
