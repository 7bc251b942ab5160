#pragma once
// The relational database behind one interface: SQLite now, PostgreSQL with the production
// backends issue. Repositories speak SQL through this, never through a driver directly.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// A bound parameter or a column value.
using DbValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
using DbRow = std::vector<DbValue>;

/// A connection-like handle. Thread-safe: calls are serialised per instance; a Transaction's
/// callback runs with the instance held, so nested calls inside it go through `tx`.
class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// "sqlite" or "postgresql": migrations pick their dialect by this.
  virtual std::string Dialect() const = 0;
  /// Runs one statement with `?` placeholders.
  virtual Status Exec(const std::string& sql, const std::vector<DbValue>& params = {}) = 0;
  /// Runs one query; rows in order, columns as declared.
  virtual Result<std::vector<DbRow>> Query(const std::string& sql,
                                           const std::vector<DbValue>& params = {}) = 0;
  /// Runs several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(const std::string& sql) = 0;
  /// Runs `fn` in a write transaction; commits when it returns ok, rolls back otherwise.
  virtual Status Transaction(const std::function<Status(Database& tx)>& fn) = 0;
};

/// Opens a database from a URL: `sqlite:///abs/path.db`, `sqlite://relative.db`,
/// `sqlite://:memory:`. Unknown schemes give BadInput naming the URL.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url);

/// Reads column `i` of a row as a string/integer, with "" / 0 for NULL.
std::string AsString(const DbValue& v);
int64_t AsInt(const DbValue& v);

}  // namespace minutes
