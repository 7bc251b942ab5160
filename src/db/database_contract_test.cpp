// One suite, run against SQLite and a real PostgreSQL 15 (started for the suite): what the
// repositories rely on from any Database.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "db/database.hpp"
#include "db/migrator.hpp"
#include "pg_server.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

class DatabaseContract : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { pg_ = new testing::PgServer; }
  static void TearDownTestSuite() { delete pg_; }
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    if (GetParam() == "sqlite") {
      dir_ = fs::temp_directory_path() / ("minutes-contract-" + std::to_string(getpid()));
      fs::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / (name + ".db")).string();
    } else {
      pg_->Psql("DROP DATABASE IF EXISTS " + name);
      pg_->Psql("CREATE DATABASE " + name);
      url_ = pg_->Url(name);
    }
    auto db = OpenDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  static testing::PgServer* pg_;
  fs::path dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
};
testing::PgServer* DatabaseContract::pg_ = nullptr;

TEST_P(DatabaseContract, MigratesAndRoundTripsEveryType) {
  ASSERT_TRUE(Migrate(*db_).ok());
  EXPECT_EQ(db_->Dialect(), GetParam());
  ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
                        {std::string("t1"), std::string("Zoë 你好 'quoted' ?"), std::string("now")})
                  .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, "
                        "size, sha256, format, created_at, duration) VALUES (?, ?, ?, ?, ?, ?, ?, "
                        "?, ?, ?)",
                        {std::string("o1"), std::string("t1"), std::string("k"), std::string(""),
                         std::string(""), int64_t{5'000'000'000}, std::string("ab"),
                         std::string("wav"), std::string("now"), 1234.5678901234})
                  .ok());
  auto rows = db_->Query("SELECT name FROM tenants WHERE id = ?", {std::string("t1")});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(AsString((*rows)[0][0]), "Zoë 你好 'quoted' ?");
  rows = db_->Query("SELECT size, duration, NULL FROM objects WHERE id = 'o1'");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(AsInt((*rows)[0][0]), 5'000'000'000);  // past 2^32: 64-bit columns
  EXPECT_DOUBLE_EQ(std::get<double>((*rows)[0][1]), 1234.5678901234);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>((*rows)[0][2]));
  rows = db_->Query("SELECT count(*) FROM tenants");
  EXPECT_EQ(AsInt((*rows)[0][0]), 1);
}

TEST_P(DatabaseContract, ConstraintViolationsAreBadInput) {
  ASSERT_TRUE(Migrate(*db_).ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('a', 'x', 'n')").ok());
  Status dup = db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('b', 'x', 'n')");
  EXPECT_EQ(dup.kind(), ErrorKind::kBadInput) << dup.message();
  Status bad = db_->Exec("SELEC nonsense");
  EXPECT_FALSE(bad.ok());
}

TEST_P(DatabaseContract, TransactionsAreAllOrNothingAndNest) {
  ASSERT_TRUE(Migrate(*db_).ok());
  Status s = db_->Transaction([](Database& tx) -> Status {
    if (Status e = tx.Exec("INSERT INTO tenants (id, name, created_at) VALUES ('a', 'a', 'n')");
        !e.ok())
      return e;
    return tx.Transaction([](Database& inner) {
      return inner.Exec("INSERT INTO tenants (id, name, created_at) VALUES ('a', 'dup', 'n')");
    });
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(AsInt((*db_->Query("SELECT count(*) FROM tenants"))[0][0]), 0);
}

// Which error it was travels as Status::code(), the backend's own code, whatever the message.
TEST_P(DatabaseContract, ErrorsCarryTheBackendsCode) {
  ASSERT_TRUE(Migrate(*db_).ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('a', 'x', 'n')").ok());
  Status dup = db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES ('b', 'x', 'n')");
  EXPECT_EQ(dup.code(), GetParam() == "sqlite" ? "SQLITE_CONSTRAINT" : "23505") << dup.message();
}

// A statement that lost a race aborts the transaction, and the transaction runs again even when
// the caller's function wrapped that error in its own words (only the code says what it was).
TEST(PostgresTransactions, ALostRaceRunsAgainWhateverTheCallerMadeOfIt) {
  testing::PgServer pg;
  pg.Psql("CREATE DATABASE races");
  auto db = OpenDatabase(pg.Url("races"));
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (n INTEGER)").ok());
  for (const char* sqlstate : {"40001", "40P01"}) {
    int runs = 0;
    Status s = (*db)->Transaction([&](Database& tx) -> Status {
      if (++runs == 1) {
        Status lost =
            tx.ExecScript(std::string("DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = '") +
                          sqlstate + "'; END $$");
        EXPECT_EQ(lost.code(), sqlstate);
        return Status::Internal("saving the thing failed");  // the code is not passed on
      }
      return tx.Exec("INSERT INTO t (n) VALUES (?)", {int64_t{runs}});
    });
    EXPECT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(runs, 2) << sqlstate;
    // Another error is the caller's answer: no second run.
    runs = 0;
    s = (*db)->Transaction([&](Database& tx) -> Status {
      ++runs;
      return tx.ExecScript("DO $$ BEGIN RAISE EXCEPTION 'no' USING ERRCODE = '22012'; END $$");
    });
    EXPECT_EQ(s.code(), "22012");
    EXPECT_EQ(runs, 1);
  }
  EXPECT_EQ(AsInt((*(*db)->Query("SELECT count(*) FROM t"))[0][0]), 2);
}

TEST_P(DatabaseContract, ConcurrentReadModifyWriteLosesNoUpdate) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO counter (id, n) VALUES (1, 0)").ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Status s = db_->Transaction([](Database& tx) -> Status {
          auto r = tx.Query("SELECT n FROM counter WHERE id = 1");
          if (!r.ok()) return r.status();
          return tx.Exec("UPDATE counter SET n = ? WHERE id = 1", {AsInt((*r)[0][0]) + 1});
        });
        if (!s.ok()) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(AsInt((*db_->Query("SELECT n FROM counter"))[0][0]), 100);
}

TEST_P(DatabaseContract, ConcurrentMigratorsApplyEachMigrationOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> applied{0}, failed{0};
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&] {
      auto other = OpenDatabase(url_);
      if (!other.ok()) return (void)++failed;
      auto done = Migrate(**other);
      if (!done.ok()) return (void)++failed;
      applied += static_cast<int>(done->size());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(applied, static_cast<int>(BuiltinMigrations().size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(PostgresUrl, AnUnreachableServerIsUnavailable) {
  auto db = OpenDatabase("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().kind(), ErrorKind::kUnavailable);
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

// An exception out of a transaction's callback rolls it back and leaves the database usable.
TEST_P(DatabaseContract, AnExceptionRollsBackAndLeavesTheDatabaseUsable) {
  ASSERT_TRUE(Migrate(*db_).ok());
  EXPECT_THROW((void)db_->Transaction([](Database& tx) -> Status {
    (void)tx.Exec("INSERT INTO tenants (id, name, created_at) VALUES ('a', 'a', 'n')");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(AsInt((*db_->Query("SELECT count(*) FROM tenants"))[0][0]), 0);
  EXPECT_TRUE(db_->Transaction([](Database& tx) {
                   return tx.Exec(
                       "INSERT INTO tenants (id, name, created_at) VALUES ('b', 'b', 'n')");
                 })
                  .ok());
}

}  // namespace
}  // namespace minutes
