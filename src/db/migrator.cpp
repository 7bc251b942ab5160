#include "db/migrator.hpp"

#include <chrono>
#include <ctime>
#include <set>

#include "core/clock.hpp"

namespace minutes {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, applied_at TEXT NOT NULL)";

Result<std::set<int>> Applied(Database& db) {
  auto rows = db.Query("SELECT version FROM schema_migrations");
  if (!rows.ok()) return rows.status();
  std::set<int> out;
  for (auto& r : *rows) out.insert(static_cast<int>(AsInt(r[0])));
  return out;
}

}  // namespace

Result<std::vector<int>> Migrate(Database& db, const std::vector<Migration>& migrations) {
  if (Status s = db.Exec(kCreateTable); !s.ok()) return s;
  std::vector<int> done;
  for (const auto& m : migrations) {
    bool ran = false;
    Status s = db.Transaction([&](Database& tx) -> Status {
      // Checked inside the write transaction: another process may have applied it meanwhile.
      auto applied = Applied(tx);
      if (!applied.ok()) return applied.status();
      if (applied->count(m.version)) return Status::Ok();
      if (Status e = tx.ExecScript(m.sql); !e.ok())
        return Status::Internal("migration " + std::to_string(m.version) + " (" + m.name +
                                ") failed: " + e.message());
      ran = true;
      return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                     {int64_t{m.version}, m.name, NowIso()});
    });
    if (!s.ok()) return s;
    if (ran) done.push_back(m.version);
  }
  return done;
}

Result<MigrationStatus> GetMigrationStatus(Database& db, const std::vector<Migration>& migrations) {
  if (Status s = db.Exec(kCreateTable); !s.ok()) return s;
  auto applied = Applied(db);
  if (!applied.ok()) return applied.status();
  MigrationStatus st;
  for (const auto& m : migrations) {
    Migration brief{m.version, m.name, ""};
    (applied->count(m.version) ? st.applied : st.pending).push_back(brief);
  }
  return st;
}

}  // namespace minutes
