#include <fcntl.h>
#include <sqlite3.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "db/database.hpp"

namespace minutes {
namespace {

// Status::code() for an SQLite result code: the name of its primary code ("SQLITE_BUSY" for
// SQLITE_BUSY_SNAPSHOT too), as sqlite3.h spells it, for the codes something decides on.
std::string CodeName(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
      return "SQLITE_BUSY";
    case SQLITE_LOCKED:
      return "SQLITE_LOCKED";
    case SQLITE_CONSTRAINT:
      return "SQLITE_CONSTRAINT";
    case SQLITE_FULL:
      return "SQLITE_FULL";
    default:
      return "SQLITE_" + std::to_string(code & 0xff);
  }
}

// Another connection holds the lock this one needs.
bool IsBusy(const Status& s) { return s.code() == "SQLITE_BUSY" || s.code() == "SQLITE_LOCKED"; }

// One SQLite connection with its prepared statements, used by one thread at a time.
// Statements are kept and reset after each use: parsing SQL was most of a small query's cost.
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::mutex& mutex() { return mu_; }

  Status Script(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::Io("SQL failed: " + msg).WithCode(CodeName(sqlite3_extended_errcode(db_)));
    }
    return Status::Ok();
  }

  Status Run(const std::string& sql, const std::vector<DbValue>& params, std::vector<DbRow>* rows) {
    sqlite3_stmt* stmt = Prepare(sql);
    if (!stmt) return Error("preparing SQL");
    Status s = Bind(stmt, params);
    if (s.ok()) s = Step(stmt, rows);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return s;
  }

 private:
  sqlite3_stmt* Prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      return nullptr;
    if (cache_.size() >= 256) {  // a bound on odd callers building SQL text dynamically
      for (auto& [k, v] : cache_) sqlite3_finalize(v);
      cache_.clear();
    }
    cache_.emplace(sql, stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, const std::vector<DbValue>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const DbValue& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v))
        rc = sqlite3_bind_null(stmt, idx);
      else if (auto* n = std::get_if<int64_t>(&v))
        rc = sqlite3_bind_int64(stmt, idx, *n);
      else if (auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(stmt, idx, *d);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return Error("binding parameter " + std::to_string(idx));
    }
    return Status::Ok();
  }

  Status Step(sqlite3_stmt* stmt, std::vector<DbRow>* rows) {
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return Error("running SQL");
      if (!rows) continue;
      DbRow row;
      int n = sqlite3_column_count(stmt);
      row.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(stmt, c));
            break;
          default: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.emplace_back(
                std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rows->push_back(std::move(row));
    }
  }

  Status Error(const std::string& what) const {
    int code = sqlite3_extended_errcode(db_);
    std::string msg = what + ": " + sqlite3_errmsg(db_);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
      return Status(ErrorKind::kUnavailable, msg).WithCode(CodeName(code));
    if ((code & 0xff) == SQLITE_CONSTRAINT) return Status::BadInput(msg).WithCode(CodeName(code));
    // The volume is full (SQLITE_FULL, or a write failing with ENOSPC): 507, as storage answers.
    if ((code & 0xff) == SQLITE_FULL || sqlite3_system_errno(db_) == ENOSPC)
      return Status::InsufficientStorage(msg).WithCode(CodeName(code));
    return Status::Io(msg).WithCode(CodeName(code));
  }

  sqlite3* db_;
  std::mutex mu_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A plain SELECT can go to a read-only connection; anything else goes to the writer.
bool IsSelect(const std::string& sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  return sql.size() - i >= 6 && strncasecmp(sql.c_str() + i, "SELECT", 6) == 0;
}

// One writer connection (writes and transactions, serialised — SQLite has one writer anyway)
// and, for a file database, a few read-only connections so reads run in parallel under WAL.
class SqliteDatabase : public Database {
 public:
  SqliteDatabase(std::unique_ptr<Connection> writer,
                 std::vector<std::unique_ptr<Connection>> readers)
      : writer_(std::move(writer)), readers_(std::move(readers)) {}

  std::string Dialect() const override { return "sqlite"; }

  Status Exec(const std::string& sql, const std::vector<DbValue>& params) override {
    std::lock_guard lock(writer_->mutex());
    return writer_->Run(sql, params, nullptr);
  }

  Result<std::vector<DbRow>> Query(const std::string& sql,
                                   const std::vector<DbValue>& params) override {
    Connection& c = readers_.empty() || !IsSelect(sql) ? *writer_ : PickReader();
    std::lock_guard lock(c.mutex());
    std::vector<DbRow> rows;
    if (Status s = c.Run(sql, params, &rows); !s.ok()) return s;
    return rows;
  }

  Status ExecScript(const std::string& sql) override {
    std::lock_guard lock(writer_->mutex());
    return writer_->Script(sql);
  }

  Status Transaction(const std::function<Status(Database&)>& fn) override {
    std::lock_guard lock(writer_->mutex());
    // IMMEDIATE takes the write lock at once, so two processes migrating or claiming the same
    // row serialise here instead of failing at commit.
    if (Status s = writer_->Script("BEGIN IMMEDIATE"); !s.ok()) return s;
    InTransaction view(*writer_);
    Status s;
    try {
      s = fn(view);
    } catch (...) {  // roll back, so the writer is not left inside a transaction
      (void)writer_->Script("ROLLBACK");
      throw;
    }
    if (s.ok()) s = writer_->Script("COMMIT");
    if (!s.ok()) (void)writer_->Script("ROLLBACK");  // the original error is what matters
    return s;
  }

 private:
  // The writer inside a transaction, without taking its mutex again: what the callback gets.
  class InTransaction : public Database {
   public:
    explicit InTransaction(Connection& c) : c_(c) {}
    std::string Dialect() const override { return "sqlite"; }
    Status Exec(const std::string& sql, const std::vector<DbValue>& params) override {
      return c_.Run(sql, params, nullptr);
    }
    Result<std::vector<DbRow>> Query(const std::string& sql,
                                     const std::vector<DbValue>& params) override {
      std::vector<DbRow> rows;
      if (Status s = c_.Run(sql, params, &rows); !s.ok()) return s;
      return rows;
    }
    Status ExecScript(const std::string& sql) override { return c_.Script(sql); }
    Status Transaction(const std::function<Status(Database&)>& fn) override {
      return fn(*this);  // already inside one
    }

   private:
    Connection& c_;
  };

  // A free reader if there is one, else the next in turn.
  Connection& PickReader() {
    for (auto& r : readers_)
      if (r->mutex().try_lock()) {
        r->mutex().unlock();
        return *r;
      }
    return *readers_[next_++ % readers_.size()];
  }

  std::unique_ptr<Connection> writer_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::atomic<size_t> next_{0};
};

Result<std::unique_ptr<Connection>> OpenConnection(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::Io("cannot open SQLite database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::make_unique<Connection>(db);
}

// Missing directories of the database's path, created 0700.
std::error_code CreatePrivateDirectories(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
  if (dir.has_parent_path() && dir.parent_path() != dir)
    if (auto parent = CreatePrivateDirectories(dir.parent_path())) return parent;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return {errno, std::generic_category()};
  return {};
}

// The database holds password hashes and webhook secrets: the file is created 0600 before
// SQLite opens it (SQLite gives -wal and -shm the database file's mode), and files of an older
// installation that others could read are tightened.
Status MakePrivate(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Io("cannot open SQLite database " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
    int err = errno;
    close(fd);
    return Status::Io("cannot make " + path + " private (mode 0600): " + std::strerror(err));
  }
  close(fd);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    std::string side = path + suffix;
    if (stat(side.c_str(), &st) == 0 && (st.st_mode & 077) != 0) (void)chmod(side.c_str(), 0600);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  const bool memory = path == ":memory:";
  if (!memory) {
    std::filesystem::path p(path);
    if (p.has_parent_path()) {
      std::error_code ec = CreatePrivateDirectories(p.parent_path());
      if (ec) return Status::Io("cannot create " + p.parent_path().string() + ": " + ec.message());
    }
    if (Status s = MakePrivate(path); !s.ok()) return s;
  }
  auto writer = OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!writer.ok()) return writer.status();
  // WAL lets readers run while a writer commits; foreign keys keep tenants' rows consistent.
  // Switching to WAL needs a moment of exclusive access, which busy_timeout does not cover when
  // another process is creating the same file: retry for up to 5 s.
  Status s;
  for (int i = 0; i < 50; ++i) {
    s = (*writer)->Script(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    if (s.ok() || !IsBusy(s)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!s.ok()) return Status::Io("cannot configure SQLite database " + path + ": " + s.message());
  std::vector<std::unique_ptr<Connection>> readers;
  if (!memory) {
    const unsigned n = std::max(2u, std::min(8u, std::thread::hardware_concurrency() * 2));
    for (unsigned i = 0; i < n; ++i) {
      auto r = OpenConnection(path, SQLITE_OPEN_READONLY);
      if (!r.ok()) return r.status();
      readers.push_back(std::move(*r));
    }
  }
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(std::move(*writer), std::move(readers)));
}

}  // namespace minutes
