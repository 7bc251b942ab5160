#pragma once
// The repositories' contract suites: every case runs on SQLite and on PostgreSQL 15, on a
// migrated database with no rows. SQLite: a new file per case. PostgreSQL: one server per test
// binary, started on first use, with one database migrated once and emptied before each case (a
// database or a migration per case would cost more than the case).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "db/database.hpp"

namespace minutes::testing {

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Rows the cases build on (every column the schema requires, the rest defaulted).
  void AddTenant(const std::string& id);
  void AddUser(const std::string& id, const std::string& tenant_id, const std::string& role);
  void AddObject(const std::string& id, const std::string& tenant_id,
                 const std::string& storage_key);
  void AddTask(const std::string& id, const std::string& tenant_id, const std::string& user_id,
               const std::string& object_id, const std::string& state = "queued");
  /// Runs `sql` (failing the case when it fails).
  void Exec(const std::string& sql, const std::vector<DbValue>& params = {});
  /// The one integer `sql` selects.
  int64_t QueryInt(const std::string& sql, const std::vector<DbValue>& params = {});

  std::unique_ptr<Database> db_;

 private:
  std::filesystem::path sqlite_file_;
};

}  // namespace minutes::testing

/// Runs the suite's cases on both backends, named …/sqlite and …/postgresql.
#define STORE_CONTRACT(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("sqlite", "postgresql"), \
                           [](const auto& info) { return info.param; })
