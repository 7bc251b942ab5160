#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cstring>
#include <filesystem>

#include "db/database.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("minutes-db-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto db = OpenDatabase("sqlite://" + (dir_ / "sub" / "m.db").string());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    ASSERT_TRUE(
        db_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, x REAL)").ok());
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, DatabaseFilesAreForThisUserOnly) {
  const auto rw = fs::perms::owner_read | fs::perms::owner_write;
  for (const char* f : {"m.db", "m.db-wal", "m.db-shm"})
    EXPECT_EQ(fs::status(dir_ / "sub" / f).permissions(), rw) << f;
  EXPECT_EQ(fs::status(dir_ / "sub").permissions(), fs::perms::owner_all);
  // A database an older version left readable by everyone is tightened when opened.
  db_.reset();
  for (const char* f : {"m.db", "m.db-wal", "m.db-shm"})
    if (fs::exists(dir_ / "sub" / f)) fs::permissions(dir_ / "sub" / f, fs::perms(0644));
  auto again = OpenDatabase("sqlite://" + (dir_ / "sub" / "m.db").string());
  ASSERT_TRUE(again.ok()) << again.status().message();
  for (const char* f : {"m.db", "m.db-wal", "m.db-shm"})
    EXPECT_EQ(fs::status(dir_ / "sub" / f).permissions(), rw) << f;
}

TEST_F(SqliteTest, BindsAndReadsEveryType) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id, name, x) VALUES (?, ?, ?)",
                        {int64_t{1}, std::string("Zoë 你好"), 2.5})
                  .ok());
  ASSERT_TRUE(
      db_->Exec("INSERT INTO t (id, name, x) VALUES (?, ?, ?)", {int64_t{2}, nullptr, nullptr})
          .ok());
  auto rows = db_->Query("SELECT id, name, x FROM t ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(AsInt((*rows)[0][0]), 1);
  EXPECT_EQ(AsString((*rows)[0][1]), "Zoë 你好");
  EXPECT_DOUBLE_EQ(std::get<double>((*rows)[0][2]), 2.5);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>((*rows)[1][1]));
  EXPECT_TRUE(fs::exists(dir_ / "sub" / "m.db")) << "parent directories are created";
}

TEST_F(SqliteTest, ConstraintViolationIsBadInput) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (name) VALUES ('a')").ok());
  Status s = db_->Exec("INSERT INTO t (name) VALUES ('a')");
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_NE(s.message().find("UNIQUE"), std::string::npos) << s.message();
}

TEST_F(SqliteTest, TransactionRollsBackOnError) {
  Status s = db_->Transaction([](Database& tx) -> Status {
    if (Status e = tx.Exec("INSERT INTO t (name) VALUES ('x')"); !e.ok()) return e;
    return Status::BadInput("changed my mind");
  });
  EXPECT_EQ(s.message(), "changed my mind");
  EXPECT_TRUE(db_->Query("SELECT * FROM t")->empty());
  ASSERT_TRUE(
      db_->Transaction([](Database& tx) { return tx.Exec("INSERT INTO t (name) VALUES ('y')"); })
          .ok());
  EXPECT_EQ(db_->Query("SELECT * FROM t")->size(), 1u);
}

TEST_F(SqliteTest, BadSqlIsAnErrorNotACrash) {
  auto rows = db_->Query("SELEC nonsense");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("syntax"), std::string::npos);
}

// A database on a full volume answers with the kind storage uses for it (507), not a 500.
TEST(SqliteFullVolume, WritesPastTheEndAreInsufficientStorage) {
  fs::path dir = fs::temp_directory_path() / ("minutes-db-full-" + std::to_string(getpid()));
  fs::create_directories(dir);
  ASSERT_EQ(mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m"), 0)
      << "mounting a tmpfs needs root (CAP_SYS_ADMIN): " << std::strerror(errno);
  {
    auto db = OpenDatabase("sqlite://" + (dir / "m.db").string());
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT)").ok());
    Status last = Status::Ok();
    for (int i = 0; i < 64 && last.ok(); ++i)
      last = (*db)->Exec("INSERT INTO t (b) VALUES (?)", {std::string(64 * 1024, 'x')});
    ASSERT_FALSE(last.ok()) << "4 MB into a 1 MB volume";
    EXPECT_EQ(last.kind(), ErrorKind::kInsufficientStorage) << last.message();
  }
  umount2(dir.c_str(), MNT_DETACH);
  fs::remove_all(dir);
}

TEST(OpenDatabase, RejectsUnknownUrls) {
  auto db = OpenDatabase("mysql://u:secret@h/db");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().kind(), ErrorKind::kBadInput);
  auto pg = OpenDatabase("postgresql://u:secret@h/db");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.status().message().find("secret"), std::string::npos) << "passwords never echoed";
  EXPECT_FALSE(OpenDatabase("sqlite://").ok());
}

}  // namespace
}  // namespace minutes
