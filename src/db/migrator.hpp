#pragma once
// Versioned schema migrations, applied in order and recorded in schema_migrations.
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One migration: a version, a name and its SQL.
struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

/// The migrations compiled into the binary (src/db/migrations/NNNN_name.sql).
const std::vector<Migration>& BuiltinMigrations();

/// What is applied and what is not.
struct MigrationStatus {
  std::vector<Migration> applied;  ///< sql left empty
  std::vector<Migration> pending;
};

/// Applies the pending migrations of `migrations` (sorted by version) in one transaction with
/// their records: an upgrade is all or nothing, so a failing migration leaves the schema at the
/// version the previous binary ran on (and a new database costs one commit, not one per
/// migration). Safe to run from several processes at once: each version is applied once.
/// Returns the versions it applied.
Result<std::vector<int>> Migrate(Database& db,
                                 const std::vector<Migration>& migrations = BuiltinMigrations());

/// Lists applied and pending migrations.
Result<MigrationStatus> GetMigrationStatus(
    Database& db, const std::vector<Migration>& migrations = BuiltinMigrations());

}  // namespace minutes
