// The quota figures' repository (store/quotas.hpp) on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/quotas.hpp"
#include "store/uploads.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class QuotasContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddTenant("evil");
    AddUser("alice", "acme", "member");
    AddUser("eve", "evil", "member");
  }
};

TEST_P(QuotasContract, UploadStartsInTheWindow) {
  for (int64_t at : {1000, 2000, 3000}) ASSERT_TRUE(RecordUploadStart(*db_, "alice", at).ok());
  ASSERT_TRUE(RecordUploadStart(*db_, "eve", 500).ok());
  ASSERT_TRUE(DropUploadStartsUntil(*db_, "alice", 1000).ok());
  auto starts = CountUploadStarts(*db_, "alice");
  ASSERT_TRUE(starts.ok()) << starts.status().message();
  EXPECT_EQ(starts->count, 2);
  EXPECT_EQ(starts->earliest_ms, 2000);
  EXPECT_EQ(**NthUploadStart(*db_, "alice", 1), 3000);
  EXPECT_FALSE(NthUploadStart(*db_, "alice", 2)->has_value());
  EXPECT_EQ(*CountUploadStartsAfter(*db_, "alice", 2000), 1);
  EXPECT_EQ(CountUploadStarts(*db_, "bob")->count, 0);
}

TEST_P(QuotasContract, TheTenantsStorageAndTheUsersUploadBytes) {
  AddObject("o1", "acme", "k1");
  AddObject("o2", "evil", "k2");
  Exec("UPDATE objects SET size = 100 WHERE id = 'o1'");
  AddTask("t1", "acme", "alice", "o1", "queued");
  AddTask("t2", "acme", "alice", "", "succeeded");
  // 2 bytes per "é": the JSON's bytes count, not its characters.
  Exec(
      "INSERT INTO artifacts (task_id, version, template, generator, minutes_json, created_at) "
      "VALUES ('t1', 1, 'default', 'x', '\"éé\"', 'x')");
  EXPECT_EQ(*CountQueuedTasks(*db_, "acme"), 1);
  // Unix 1767225600 is 2026-01-01T00:00:00Z.
  const int64_t now_s = 1767225600;
  for (auto [id, state, expires] : {std::tuple{"u1", "open", "2026-01-01T00:00:01Z"},
                                    std::tuple{"u2", "open", "2025-12-31T23:59:59Z"},  // expired
                                    std::tuple{"u3", "completed", "2026-02-01T00:00:00Z"}})
    Exec(
        "INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, size, part_size, "
        "storage_key, store_upload_id, token_hash, state, created_at, expires_at) VALUES (?, "
        "'acme', 'alice', 'a.wav', 'audio/wav', 10, 5, ?, '', '', ?, 'x', ?)",
        {id, std::string("key-") + id, state, expires});
  ASSERT_TRUE(InsertStorageReservation(*db_, "r1", "acme", 7, now_s + 60).ok());
  ASSERT_TRUE(InsertStorageReservation(*db_, "r0", "acme", 1000, now_s).ok());  // lapsed
  auto storage = SumTenantStorage(*db_, "acme", now_s);
  ASSERT_TRUE(storage.ok()) << storage.status().message();
  EXPECT_EQ(storage->recordings, 100);
  EXPECT_EQ(storage->minutes, 6);
  EXPECT_EQ(storage->open_uploads, 10);
  EXPECT_EQ(storage->reserved, 7);
  ASSERT_TRUE(DropLapsedStorageReservations(*db_, "acme", now_s).ok());
  ASSERT_TRUE(ExtendStorageReservation(*db_, "r1", 3, now_s + 120).ok());
  EXPECT_EQ(QueryInt("SELECT bytes FROM storage_reservations"), 10);
  ASSERT_TRUE(DeleteStorageReservation(*db_, "r1").ok());
  EXPECT_EQ(SumTenantStorage(*db_, "acme", now_s)->reserved, 0);

  const int64_t now_ms = now_s * 1000;
  ASSERT_TRUE(CountUploadBytesOfUpload(*db_, "u3", 10, now_ms + 5000).ok());
  ASSERT_TRUE(CountUploadBytesOfUpload(*db_, "u3", 99, now_ms + 9000).ok());  // once
  ASSERT_TRUE(RecordStoredUploadBytes(*db_, "s1", "alice", 20, now_ms + 1000).ok());
  ASSERT_TRUE(InsertPendingUploadBytes(*db_, "p1", "alice", 30, now_ms + 1000).ok());
  ASSERT_TRUE(ExtendPendingUploadBytes(*db_, "p1", 5, now_ms + 2000).ok());
  ASSERT_TRUE(ExtendPendingUploadBytes(*db_, "s1", 500, now_ms + 2000).ok());  // stored: kept
  auto bytes = SumUserUploadBytes(*db_, "alice", now_ms);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  EXPECT_EQ(bytes->stored, 30);
  EXPECT_EQ(bytes->reserved, 35);
  EXPECT_EQ(bytes->open_uploads, 10);
  auto stored = ListStoredUploadBytes(*db_, "alice", now_ms);
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[0].bytes, 20);  // leaving first
  EXPECT_EQ((*stored)[1].counts_until_ms, now_ms + 5000);
  // The reservation becomes stored bytes; deleting reservations keeps stored bytes.
  ASSERT_TRUE(RecordStoredUploadBytes(*db_, "p1", "alice", 33, now_ms + 3000).ok());
  ASSERT_TRUE(DeletePendingUploadBytes(*db_, "p1").ok());
  EXPECT_EQ(SumUserUploadBytes(*db_, "alice", now_ms)->stored, 63);
  ASSERT_TRUE(DropUploadBytesUntil(*db_, "alice", now_ms + 3000).ok());
  EXPECT_EQ(SumUserUploadBytes(*db_, "alice", now_ms)->stored, 10);
}

STORE_CONTRACT(QuotasContract);

}  // namespace
}  // namespace minutes::testing
