#pragma once
// The worker tests' backends: a migrated SQLite database and a file store in a scratch
// directory of the test's own (under the system's temporary directory, named after the test),
// with tenant acme and its admin user; removed after each test. Fixtures derive from it and
// call ScratchBackends::SetUp() first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>

#include "db/migrator.hpp"
#include "storage/file_object_store.hpp"

namespace minutes {

class ScratchBackends : public ::testing::Test {
 protected:
  explicit ScratchBackends(std::string user_id) : user_id_(std::move(user_id)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("minutes-worker-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "tmp");
    auto db = OpenDatabase("sqlite://" + (dir_ / "minutes.db").string());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
    auto store = FileObjectStore::Open(dir_ / "objects");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    Exec({"INSERT INTO tenants (id, name, created_at) VALUES ('acme', 'acme', 'x')"});
    ASSERT_TRUE(db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                          "created_at) VALUES (?, 'acme', ?, 'h', 'admin', 'x')",
                          {user_id_, user_id_ == "u1" ? std::string("alice") : user_id_})
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  /// Rows the test starts from.
  void Exec(std::initializer_list<const char*> statements) {
    for (const char* sql : statements) ASSERT_TRUE(db_->Exec(sql).ok()) << sql;
  }

  std::string user_id_;
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace minutes
