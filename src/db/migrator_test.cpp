#include "db/migrator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace minutes {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Database> Open(const fs::path& p) {
  auto db = OpenDatabase("sqlite://" + p.string());
  EXPECT_TRUE(db.ok()) << db.status().message();
  return std::move(db.value());
}

fs::path TempDb(const char* name) {
  fs::path p = fs::temp_directory_path() / ("minutes-mig-" + std::to_string(getpid()) + name);
  fs::remove(p);
  fs::remove(p.string() + "-wal");
  fs::remove(p.string() + "-shm");
  return p;
}

TEST(Migrate, CreatesTheWholeSchemaOnceAndRecordsIt) {
  auto path = TempDb("a.db");
  auto db = Open(path);
  auto applied = Migrate(*db);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(applied->size(), BuiltinMigrations().size());
  for (const char* table :
       {"tenants", "users", "api_keys", "objects", "tasks", "jobs", "transcripts", "segments",
        "speaker_names", "artifacts", "prompt_templates", "hotword_sets", "hotwords", "audit_logs",
        "webhooks"}) {
    auto rows = db->Query("SELECT name FROM sqlite_master WHERE type='table' AND name=?",
                          {std::string(table)});
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u) << table;
  }
  auto again = Migrate(*db);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << "a second run applies nothing";
  auto st = GetMigrationStatus(*db);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->pending.empty());
  EXPECT_EQ(st->applied.front().name, "init");
  fs::remove(path);
}

TEST(Migrate, AFailingMigrationLeavesTheVersionTheUpgradeStartedFrom) {
  auto path = TempDb("b.db");
  auto db = Open(path);
  std::vector<Migration> ms = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
  ASSERT_TRUE(Migrate(*db, ms).ok());
  ms.push_back({2, "two", "CREATE TABLE b (y INTEGER);"});
  ms.push_back({3, "three", "CREATE TABLE c (z INTEGER); CREATE TABLEX oops;"});
  auto r = Migrate(*db, ms);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("migration 3 (three) failed"), std::string::npos)
      << r.status().message();
  auto st = GetMigrationStatus(*db, ms);
  ASSERT_EQ(st->applied.size(), 1u) << "version 1, which the previous binary ran on";
  ASSERT_EQ(st->pending.size(), 2u);
  for (const char* table : {"b", "c"})
    EXPECT_TRUE(
        db->Query("SELECT name FROM sqlite_master WHERE name=?", {std::string(table)})->empty())
        << "nothing of the failed upgrade remains: " << table;
  ms.back().sql = "CREATE TABLE c (z INTEGER);";
  auto fixed = Migrate(*db, ms);
  ASSERT_TRUE(fixed.ok()) << fixed.status().message();
  EXPECT_EQ(*fixed, (std::vector<int>{2, 3}));
  fs::remove(path);
}

TEST(Migrate, ConcurrentMigratorsApplyEachVersionOnce) {
  auto path = TempDb("c.db");
  std::vector<Migration> ms = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                               {2, "two", "CREATE TABLE b (y INTEGER);"}};
  std::vector<int> total(2, 0);
  std::vector<std::thread> ts;
  for (int i = 0; i < 2; ++i)
    ts.emplace_back([&, i] {
      auto db = Open(path);  // separate connections, as separate processes would have
      auto r = Migrate(*db, ms);
      ASSERT_TRUE(r.ok()) << r.status().message();
      total[static_cast<size_t>(i)] = static_cast<int>(r->size());
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(total[0] + total[1], 2);
  fs::remove(path);
}

}  // namespace
}  // namespace minutes
