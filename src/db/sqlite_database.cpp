#include <sqlite3.h>

#include <filesystem>
#include <chrono>
#include <mutex>
#include <thread>

#include "db/database.hpp"

namespace minutes {
namespace {

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteDatabase : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

  std::string Dialect() const override { return "sqlite"; }

  Status Exec(const std::string& sql, const std::vector<DbValue>& params) override {
    std::lock_guard lock(mu_);
    return Run(sql, params, nullptr);
  }

  Result<std::vector<DbRow>> Query(const std::string& sql,
                                   const std::vector<DbValue>& params) override {
    std::lock_guard lock(mu_);
    std::vector<DbRow> rows;
    if (Status s = Run(sql, params, &rows); !s.ok()) return s;
    return rows;
  }

  Status ExecScript(const std::string& sql) override {
    std::lock_guard lock(mu_);
    return Script(sql);
  }

  Status Transaction(const std::function<Status(Database&)>& fn) override {
    std::lock_guard lock(mu_);
    // IMMEDIATE takes the write lock at once, so two processes migrating or claiming the same
    // row serialise here instead of failing at commit.
    if (Status s = Script("BEGIN IMMEDIATE"); !s.ok()) return s;
    Unlocked view(this);
    Status s = fn(view);
    if (s.ok()) s = Script("COMMIT");
    if (!s.ok()) (void)Script("ROLLBACK");  // the original error is what matters
    return s;
  }

 private:
  // The same database without taking the mutex: what a Transaction callback gets.
  class Unlocked : public Database {
   public:
    explicit Unlocked(SqliteDatabase* db) : db_(db) {}
    std::string Dialect() const override { return "sqlite"; }
    Status Exec(const std::string& sql, const std::vector<DbValue>& params) override {
      return db_->Run(sql, params, nullptr);
    }
    Result<std::vector<DbRow>> Query(const std::string& sql,
                                     const std::vector<DbValue>& params) override {
      std::vector<DbRow> rows;
      if (Status s = db_->Run(sql, params, &rows); !s.ok()) return s;
      return rows;
    }
    Status ExecScript(const std::string& sql) override { return db_->Script(sql); }
    Status Transaction(const std::function<Status(Database&)>& fn) override {
      return fn(*this);  // already inside one
    }

   private:
    SqliteDatabase* db_;
  };

  Status Error(const std::string& what) const {
    int code = sqlite3_extended_errcode(db_);
    std::string msg = what + ": " + sqlite3_errmsg(db_);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
      return Status(ErrorKind::kUnavailable, msg);
    if ((code & 0xff) == SQLITE_CONSTRAINT) return Status::BadInput(msg);
    return Status::Io(msg);
  }

  Status Script(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::Io("SQL failed: " + msg);
    }
    return Status::Ok();
  }

  Status Run(const std::string& sql, const std::vector<DbValue>& params, std::vector<DbRow>* rows) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK)
      return Error("preparing SQL");
    Stmt stmt(raw);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const DbValue& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v))
        rc = sqlite3_bind_null(raw, idx);
      else if (auto* n = std::get_if<int64_t>(&v))
        rc = sqlite3_bind_int64(raw, idx, *n);
      else if (auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(raw, idx, *d);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(raw, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return Error("binding parameter " + std::to_string(idx));
    }
    for (;;) {
      int rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return Error("running SQL");
      if (!rows) continue;
      DbRow row;
      int n = sqlite3_column_count(raw);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(raw, c)) {
          case SQLITE_NULL:
            row.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(raw, c)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(raw, c));
            break;
          default: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
            row.emplace_back(
                std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(raw, c))));
          }
        }
      }
      rows->push_back(std::move(row));
    }
  }

  sqlite3* db_;
  std::mutex mu_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  if (path != ":memory:") {
    std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Status::Io("cannot create " + p.parent_path().string() + ": " + ec.message());
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::Io("cannot open SQLite database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  auto out = std::make_unique<SqliteDatabase>(db);
  // WAL lets readers run while a writer commits; foreign keys keep tenants' rows consistent.
  // Switching to WAL needs a moment of exclusive access, which busy_timeout does not cover when
  // another process is creating the same file: retry for up to 5 s.
  Status s;
  for (int i = 0; i < 50; ++i) {
    s = out->ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    if (s.ok() || s.message().find("locked") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!s.ok()) return Status::Io("cannot configure SQLite database " + path + ": " + s.message());
  return std::unique_ptr<Database>(std::move(out));
}

}  // namespace minutes
