// PostgreSQL through libpq: a small connection pool, `?` placeholders rewritten to `$n`, and
// write transactions at SERIALIZABLE, retried on serialization failures, so repositories get
// the same all-or-nothing, one-writer-at-a-time semantics SQLite gives them.

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "db/database.hpp"
#include "db/pq_api.hpp"

namespace minutes {
namespace {

// `?` outside quoted strings and identifiers becomes $1, $2, …
std::string DollarPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

std::string Sqlstate(const PGresult* r) {
  const char* s = r ? Pq().PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s ? s : "";
}

Status ErrorOf(PGconn* c, const PGresult* r, const std::string& sql) {
  std::string state = Sqlstate(r);
  std::string msg = r ? Pq().PQresultErrorMessage(r) : Pq().PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (state.rfind("23", 0) == 0)
    return Status::BadInput("constraint failed: " + msg).WithCode(state);
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03" ||
      Pq().PQstatus(c) != CONNECTION_OK)
    return Status(ErrorKind::kUnavailable, "database unavailable: " + msg).WithCode(state);
  (void)sql;
  return Status(ErrorKind::kInternal, "database error [" + state + "]: " + msg).WithCode(state);
}

// A serialization failure or a deadlock: the transaction lost a race and can run again.
bool Retryable(const Status& s) { return s.code() == "40001" || s.code() == "40P01"; }

DbValue ValueOf(const PGresult* r, int row, int col) {
  if (Pq().PQgetisnull(r, row, col)) return nullptr;
  const char* v = Pq().PQgetvalue(r, row, col);
  switch (Pq().PQftype(r, col)) {
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
      return static_cast<int64_t>(std::strtoll(v, nullptr, 10));
    case 16:  // bool
      return static_cast<int64_t>(v[0] == 't');
    case 700:   // float4
    case 701:   // float8
    case 1700:  // numeric
      return std::strtod(v, nullptr);
    default:
      return std::string(v, static_cast<size_t>(Pq().PQgetlength(r, row, col)));
  }
}

// A connection and the statements prepared on it: a repeated query skips PostgreSQL's parse and
// plan. Statements built per call (batch inserts of varying size) stop being prepared once a
// connection holds kMaxPrepared.
struct Conn {
  PGconn* c = nullptr;
  std::unordered_map<std::string, std::string> prepared;  // sql -> statement name
};
constexpr size_t kMaxPrepared = 256;

// Runs one statement on `conn`; rows when it returns any.
Result<std::vector<DbRow>> Run(Conn& conn, const std::string& sql,
                               const std::vector<DbValue>& params) {
  PGconn* c = conn.c;
  std::vector<std::string> text(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<std::nullptr_t>(params[i])) continue;
    if (auto* d = std::get_if<double>(&params[i])) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", *d);
      text[i] = buf;
    } else {
      text[i] = AsString(params[i]);
    }
    values[i] = text[i].c_str();
  }
  PGresult* r = nullptr;
  auto found = conn.prepared.find(sql);
  if (found == conn.prepared.end() && conn.prepared.size() < kMaxPrepared) {
    std::string name = "m" + std::to_string(conn.prepared.size());
    PGresult* p = Pq().PQprepare(c, name.c_str(), DollarPlaceholders(sql).c_str(), 0, nullptr);
    bool ok = Pq().PQresultStatus(p) == PGRES_COMMAND_OK;
    Pq().PQclear(p);
    if (ok) found = conn.prepared.emplace(sql, name).first;
  }
  if (found != conn.prepared.end()) {
    r = Pq().PQexecPrepared(c, found->second.c_str(), static_cast<int>(params.size()),
                            values.data(), nullptr, nullptr, 0);
  } else {
    r = Pq().PQexecParams(c, DollarPlaceholders(sql).c_str(), static_cast<int>(params.size()),
                          nullptr, values.data(), nullptr, nullptr, 0);
  }
  auto st = Pq().PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status s = ErrorOf(c, r, sql);
    Pq().PQclear(r);
    return s;
  }
  std::vector<DbRow> rows;
  int nrows = Pq().PQntuples(r), ncols = Pq().PQnfields(r);
  rows.reserve(static_cast<size_t>(nrows));
  for (int i = 0; i < nrows; ++i) {
    DbRow row;
    row.reserve(static_cast<size_t>(ncols));
    for (int j = 0; j < ncols; ++j) row.push_back(ValueOf(r, i, j));
    rows.push_back(std::move(row));
  }
  Pq().PQclear(r);
  return rows;
}

Status RunScript(Conn& conn, const std::string& sql) {
  PGconn* c = conn.c;
  PGresult* r = Pq().PQexec(c, sql.c_str());
  auto st = Pq().PQresultStatus(r);
  Status s = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? Status::Ok() : ErrorOf(c, r, sql);
  Pq().PQclear(r);
  return s;
}

class Pool {
 public:
  Pool(std::string url, int max) : url_(std::move(url)), max_(max) {}
  ~Pool() {
    for (Conn* c : idle_) Close(c);
  }
  static void Close(Conn* c) {
    Pq().PQfinish(c->c);
    delete c;
  }
  Result<Conn*> Take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      Conn* c = idle_.back();
      idle_.pop_back();
      if (Pq().PQstatus(c->c) == CONNECTION_OK) return c;
      Close(c);  // the server went away: open a fresh one below
      --open_;
    }
    ++open_;
    lock.unlock();
    PGconn* c = Pq().PQconnectdb(url_.c_str());
    if (Pq().PQstatus(c) != CONNECTION_OK) {
      std::string msg = Pq().PQerrorMessage(c);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      Pq().PQfinish(c);
      std::lock_guard again(mu_);
      --open_;
      cv_.notify_one();
      return Status(ErrorKind::kUnavailable, "database unavailable: " + msg);
    }
    Pq().PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors
    return new Conn{c, {}};
  }
  void Give(Conn* c) {
    std::lock_guard lock(mu_);
    if (Pq().PQstatus(c->c) == CONNECTION_OK && Pq().PQtransactionStatus(c->c) == PQTRANS_IDLE) {
      idle_.push_back(c);
    } else {
      Close(c);
      --open_;
    }
    cv_.notify_one();
  }

 private:
  std::string url_;
  int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn*> idle_;
  int open_ = 0;
};

// The connection a transaction holds; nested transactions join it.
class TxDatabase : public Database {
 public:
  explicit TxDatabase(Conn& c) : c_(c) {}
  std::string Dialect() const override { return "postgresql"; }
  Status Exec(const std::string& sql, const std::vector<DbValue>& params) override {
    return Query(sql, params).status();
  }
  Result<std::vector<DbRow>> Query(const std::string& sql,
                                   const std::vector<DbValue>& params) override {
    auto rows = Run(c_, sql, params);
    if (!rows.ok() && Retryable(rows.status())) lost_race_ = true;
    return rows;
  }
  Status ExecScript(const std::string& sql) override {
    Status s = RunScript(c_, sql);
    if (Retryable(s)) lost_race_ = true;
    return s;
  }
  Status Transaction(const std::function<Status(Database& tx)>& fn) override { return fn(*this); }
  /// A statement of this transaction lost a race (whatever the caller made of its error): the
  /// transaction is aborted and can run again from the start.
  bool lost_race() const { return lost_race_; }

 private:
  Conn& c_;
  bool lost_race_ = false;
};

class PostgresDatabase : public Database {
 public:
  explicit PostgresDatabase(std::string url) : pool_(std::move(url), 16) {}
  std::string Dialect() const override { return "postgresql"; }
  Status Exec(const std::string& sql, const std::vector<DbValue>& params) override {
    return Query(sql, params).status();
  }
  Result<std::vector<DbRow>> Query(const std::string& sql,
                                   const std::vector<DbValue>& params) override {
    auto c = pool_.Take();
    if (!c.ok()) return c.status();
    auto rows = Run(**c, sql, params);
    pool_.Give(*c);
    return rows;
  }
  Status ExecScript(const std::string& sql) override {
    auto c = pool_.Take();
    if (!c.ok()) return c.status();
    Status s = RunScript(**c, sql);
    pool_.Give(*c);
    return s;
  }
  Status Transaction(const std::function<Status(Database& tx)>& fn) override {
    Status s;
    for (int attempt = 0; attempt < 8; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
      auto c = pool_.Take();
      if (!c.ok()) return c.status();
      s = RunScript(**c, "BEGIN ISOLATION LEVEL SERIALIZABLE");
      bool lost_race = false;
      if (s.ok()) {
        TxDatabase tx(**c);
        try {
          s = fn(tx);
        } catch (...) {  // the connection goes back clean, then the exception goes on
          (void)RunScript(**c, "ROLLBACK");
          pool_.Give(*c);
          throw;
        }
        // Even when fn carried on past the failed statement: PostgreSQL has aborted the
        // transaction, and its COMMIT would only roll it back.
        lost_race = tx.lost_race();
        Status end = RunScript(**c, s.ok() ? "COMMIT" : "ROLLBACK");
        if (s.ok()) s = end;
        if (!end.ok() && Pq().PQtransactionStatus((*c)->c) != PQTRANS_IDLE)
          (void)RunScript(**c, "ROLLBACK");
      }
      pool_.Give(*c);
      if (!lost_race && !Retryable(s)) return s;
    }
    return s;
  }

 private:
  Pool pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url) {
  if (auto pq = LoadPq(); !pq.ok()) return pq.status();
  auto db = std::make_unique<PostgresDatabase>(url);
  if (Status s = db->Exec("SELECT 1", {}); !s.ok()) return s;
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace minutes
