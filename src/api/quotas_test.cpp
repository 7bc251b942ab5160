// The limits' accounting, run against SQLite and a real PostgreSQL 15 (started for the suite):
// the upload-rate window and its Retry-After, the queued-task count, storage summed from the
// tables plus reservations, the user's upload bytes per hour (stored recordings, uploads in
// progress, Retry-After from the window), the quota reader that stops a body at either limit,
// and concurrent reservations from separate connections (as from separate API instances)
// never passing them.
#include "api/quotas.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "db/migrator.hpp"
#include "pg_server.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kKiB = 1024;
constexpr int64_t kT0 = 1'800'000'000'000;  // Unix ms
constexpr int64_t kNowS = kT0 / 1000;

class QuotasTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { pg_ = new testing::PgServer; }
  static void TearDownTestSuite() { delete pg_; }
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    if (GetParam() == "sqlite") {
      dir_ = fs::temp_directory_path() / ("minutes-quotas-" + std::to_string(getpid()));
      fs::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / (name + ".db")).string();
      fs::remove(dir_ / (name + ".db"));
    } else {
      pg_->Psql("DROP DATABASE IF EXISTS " + name);
      pg_->Psql("CREATE DATABASE " + name);
      url_ = pg_->Url(name);
    }
    db_ = Open();
    ASSERT_TRUE(Migrate(*db_).ok());
    for (const char* t : {"t1", "t2"}) {
      ASSERT_TRUE(db_->Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, 'x')",
                            {std::string(t), std::string(t)})
                      .ok());
      ASSERT_TRUE(db_->Exec("INSERT INTO users (id, tenant_id, username, password_hash, role, "
                            "created_at) VALUES (?, ?, ?, 'h', 'member', 'x')",
                            {std::string("u-") + t, std::string(t), std::string("user-") + t})
                      .ok());
    }
  }
  void TearDown() override {
    db_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::unique_ptr<Database> Open() {
    auto db = OpenDatabase(url_);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(*db) : nullptr;
  }
  void AddObject(const std::string& id, const std::string& tenant, int64_t size) {
    ASSERT_TRUE(db_->Exec("INSERT INTO objects (id, tenant_id, storage_key, filename, "
                          "content_type, size, sha256, created_at) VALUES (?, ?, ?, '', '', ?, "
                          "'', 'x')",
                          {id, tenant, "k/" + id, size})
                    .ok());
  }
  void AddTask(const std::string& id, const std::string& tenant, const std::string& state) {
    ASSERT_TRUE(db_->Exec("INSERT INTO tasks (id, tenant_id, user_id, state, created_at, "
                          "updated_at) VALUES (?, ?, ?, ?, 'x', 'x')",
                          {id, tenant, "u-" + tenant, state})
                    .ok());
  }
  int64_t Reservations() {
    auto rows = db_->Query("SELECT count(*) FROM storage_reservations");
    return rows.ok() ? AsInt((*rows)[0][0]) : -1;
  }
  int64_t UploadBytesRows() {
    auto rows = db_->Query("SELECT count(*) FROM upload_bytes");
    return rows.ok() ? AsInt((*rows)[0][0]) : -1;
  }
  void AddOpenUpload(const std::string& id, const std::string& user, int64_t size) {
    ASSERT_TRUE(db_->Exec("INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, "
                          "size, part_size, storage_key, store_upload_id, token_hash, state, "
                          "created_at, expires_at) VALUES (?, 't1', ?, 'f', 'audio/wav', ?, 1, "
                          "?, 's', '', 'open', 'x', '2099-01-01T00:00:00Z')",
                          {id, user, size, "k/" + id})
                    .ok());
  }
  static LimitsConfig Limits(int storage_mb, int queued, int per_minute, int mb_per_hour = 0) {
    LimitsConfig l;
    l.tenant_storage_mb = storage_mb;
    l.tenant_queued_tasks = queued;
    l.user_uploads_per_minute = per_minute;
    l.user_upload_mb_per_hour = mb_per_hour;
    return l;
  }
  static testing::PgServer* pg_;
  fs::path dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
};
testing::PgServer* QuotasTest::pg_ = nullptr;

TEST_P(QuotasTest, UploadRateIsASlidingMinuteWithRetryAfterUntilTheOldestLeaves) {
  Quotas q(*db_, Limits(0, 0, 3));
  EXPECT_TRUE(q.CountUpload("u-t1", kT0).ok());
  EXPECT_TRUE(q.CountUpload("u-t1", kT0 + 10'000).ok());
  EXPECT_TRUE(q.CountUpload("u-t1", kT0 + 20'000).ok());
  Status refused = q.CountUpload("u-t1", kT0 + 30'000);
  EXPECT_EQ(refused.kind(), ErrorKind::kResourceExhausted);
  EXPECT_EQ(refused.retry_after_s(), 30) << "the first upload leaves the window at t0 + 60 s";
  EXPECT_NE(refused.message().find("limits.user_uploads_per_minute"), std::string::npos);
  EXPECT_EQ(q.CountUpload("u-t1", kT0 + 59'500).retry_after_s(), 1) << "rounded up";
  EXPECT_TRUE(q.CountUpload("u-t2", kT0 + 30'000).ok()) << "another user has their own";
  EXPECT_TRUE(q.CountUpload("u-t1", kT0 + 60'000).ok()) << "refusals were not counted";
  EXPECT_EQ(q.CountUpload("u-t1", kT0 + 60'001).retry_after_s(), 10);
  auto figures = q.Figures("t1", "u-t1", kT0 + 60'001);
  ASSERT_TRUE(figures.ok());
  EXPECT_EQ(figures->uploads_last_minute, 3);
  Quotas off(*db_, Limits(0, 0, 0));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(off.CountUpload("u-t1", kT0 + 60'002).ok());
}

TEST_P(QuotasTest, QueuedTasksCountOnlyTheTenantsQueuedOnes) {
  Quotas q(*db_, Limits(0, 2, 0));
  AddTask("a", "t1", "queued");
  AddTask("b", "t1", "processing");
  AddTask("c", "t1", "succeeded");
  AddTask("d", "t2", "queued");
  EXPECT_TRUE(q.CheckQueuedTasks(*db_, "t1").ok());
  AddTask("e", "t1", "queued");
  Status refused = q.CheckQueuedTasks(*db_, "t1");
  EXPECT_EQ(refused.kind(), ErrorKind::kResourceExhausted);
  EXPECT_EQ(refused.retry_after_s(), kQueuedTasksRetryAfterS);
  EXPECT_NE(refused.message().find("limits.tenant_queued_tasks"), std::string::npos);
  EXPECT_TRUE(q.CheckQueuedTasks(*db_, "t2").ok());
  EXPECT_TRUE(Quotas(*db_, Limits(0, 0, 0)).CheckQueuedTasks(*db_, "t1").ok()) << "0: unlimited";
}

TEST_P(QuotasTest, StorageIsObjectsMinutesOpenUploadsAndLiveReservations) {
  Quotas q(*db_, Limits(1, 0, 0));  // 1 MiB
  AddObject("o1", "t1", 500 * kKiB);
  AddObject("o2", "t2", 900 * kKiB);
  AddTask("a", "t1", "succeeded");
  const std::string minutes_json = "{\"title\":\"Zoë 你好\"}";
  ASSERT_TRUE(db_->Exec("INSERT INTO artifacts (task_id, version, template, generator, "
                        "minutes_json, created_at) VALUES ('a', 1, 'default', 'x', ?, 'x')",
                        {minutes_json})
                  .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, "
                        "size, part_size, storage_key, store_upload_id, token_hash, state, "
                        "created_at, expires_at) VALUES (?, 't1', 'u-t1', 'f', 'audio/wav', ?, "
                        "1, 'k', 's', '', ?, 'x', ?)",
                        {std::string("open"), 100 * kKiB, std::string("open"),
                         std::string("2027-02-01T00:00:00Z")})
                  .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, "
                        "size, part_size, storage_key, store_upload_id, token_hash, state, "
                        "created_at, expires_at) VALUES (?, 't1', 'u-t1', 'f', 'audio/wav', ?, "
                        "1, 'k2', 's', '', ?, 'x', ?)",
                        {std::string("expired"), 400 * kKiB, std::string("open"),
                         std::string("2020-01-01T00:00:00Z")})
                  .ok());
  auto use = q.Storage(*db_, "t1", kNowS);
  ASSERT_TRUE(use.ok()) << use.status().message();
  EXPECT_EQ(use->recordings, 500 * kKiB);
  EXPECT_EQ(use->minutes, static_cast<int64_t>(minutes_json.size()))
      << "bytes of the JSON, not characters";
  EXPECT_EQ(use->pending, 100 * kKiB) << "an expired open upload holds nothing";
  EXPECT_EQ(use->quota, 1024 * kKiB);

  auto r1 = q.Reserve("t1", "u-t1", 300 * kKiB, kNowS);
  ASSERT_TRUE(r1.ok()) << r1.status().message();
  EXPECT_EQ(r1->bytes, 300 * kKiB);
  auto r2 = q.Reserve("t1", "u-t1", 200 * kKiB, kNowS);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().kind(), ErrorKind::kTooLarge);
  EXPECT_NE(r2.status().message().find("limits.tenant_storage_mb"), std::string::npos);
  EXPECT_EQ(q.Extend(r1->id, "t1", "u-t1", 200 * kKiB, kNowS).status().kind(),
            ErrorKind::kTooLarge);
  auto added = q.Extend(r1->id, "t1", "u-t1", 100 * kKiB, kNowS);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 100 * kKiB);
  // Partly: what is left (24 KiB less the minutes' bytes), then nothing.
  auto rest = q.Extend(r1->id, "t1", "u-t1", 100 * kKiB, kNowS, true);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, 24 * kKiB - static_cast<int64_t>(minutes_json.size()));
  EXPECT_EQ(q.Extend(r1->id, "t1", "u-t1", 1, kNowS, true).status().kind(), ErrorKind::kTooLarge);
  EXPECT_TRUE(q.Reserve("t2", "u-t2", 100 * kKiB, kNowS).ok()) << "tenants are apart";
  // A reservation of a process that died lapses.
  EXPECT_TRUE(q.CheckFits(*db_, "t1", 400 * kKiB, kNowS + Quotas::kReservationTtlS + 1).ok());
  EXPECT_TRUE(Quotas::Release(*db_, r1->id).ok());
  EXPECT_TRUE(q.CheckFits(*db_, "t1", 400 * kKiB, kNowS).ok());
  EXPECT_FALSE(q.CheckFits(*db_, "t1", 500 * kKiB, kNowS).ok());
  Quotas unlimited(*db_, Limits(0, 0, 0));
  EXPECT_TRUE(unlimited.CheckFits(*db_, "t1", int64_t{1} << 40, kNowS).ok());
  auto none = unlimited.Reserve("t1", "u-t1", int64_t{1} << 40, kNowS);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->id, "") << "no quota, no rows";
}

TEST_P(QuotasTest, TheReaderStopsABodyAtTheQuotaAndReleasesItsReservation) {
  Quotas q(*db_, Limits(2, 0, 0));  // 2 MiB
  std::string three_mib(3 << 20, 'x');
  {
    std::istringstream body(three_mib);
    QuotaReader reader(q, body, "t1", "u-t1", -1, 256 * kKiB);
    ASSERT_TRUE(reader.Start(std::time(nullptr)).ok());
    std::string got((std::istreambuf_iterator<char>(reader.stream())), {});
    EXPECT_TRUE(reader.stream().bad());
    EXPECT_EQ(reader.error().kind(), ErrorKind::kTooLarge);
    EXPECT_LE(static_cast<int64_t>(got.size()), 2 << 20) << "never past the quota";
    EXPECT_GE(static_cast<int64_t>(got.size()), (2 << 20) - 256 * kKiB);
  }
  EXPECT_EQ(Reservations(), 0) << "released when the upload failed";
  {
    std::istringstream body(std::string(1 << 20, 'y'));
    QuotaReader reader(q, body, "t1", "u-t1", -1, 256 * kKiB);
    ASSERT_TRUE(reader.Start(std::time(nullptr)).ok());
    std::string got((std::istreambuf_iterator<char>(reader.stream())), {});
    EXPECT_EQ(got.size(), size_t{1} << 20);
    EXPECT_TRUE(reader.error().ok());
    EXPECT_FALSE(reader.reservation().empty());
    ASSERT_TRUE(reader.Record(*db_, 1 << 20, kT0).ok());  // as the object's insert does
    reader.Commit();
  }
  EXPECT_EQ(Reservations(), 0);
  std::istringstream big(three_mib);
  QuotaReader declared(q, big, "t1", "u-t1", 3 << 20);
  Status s = declared.Start(std::time(nullptr));
  EXPECT_EQ(s.kind(), ErrorKind::kTooLarge) << "a declared length past the quota: no byte read";
  EXPECT_EQ(big.tellg(), 0);
}

// limits.user_upload_mb_per_hour: what the user stored in the last hour plus what is in
// progress (streamed bodies' reservations, open direct uploads); a refusal says when enough of
// the window will have left it.
TEST_P(QuotasTest, UploadBytesPerHourCountStoredAndInProgressWithRetryAfterFromTheWindow) {
  Quotas q(*db_, Limits(0, 0, 0, 1));  // 1 MiB an hour
  constexpr int64_t kMin = 60'000;
  // A streamed upload stored at t0 (reserved 300 KiB, 200 KiB stored), one at t0 + 10 min.
  auto first = q.Reserve("t1", "u-t1", 300 * kKiB, kNowS);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(first->id.empty());
  auto use = q.UploadBytes(*db_, "u-t1", kT0);
  ASSERT_TRUE(use.ok()) << use.status().message();
  EXPECT_EQ(use->pending, 300 * kKiB) << "a streamed upload counts while it arrives";
  EXPECT_EQ(use->stored, 0);
  ASSERT_TRUE(q.Record(*db_, first->id, "u-t1", 200 * kKiB, kT0).ok());
  auto second = q.Reserve("t1", "u-t1", 500 * kKiB, kNowS + 600);
  ASSERT_TRUE(second.ok()) << second.status().message();
  ASSERT_TRUE(q.Record(*db_, second->id, "u-t1", 500 * kKiB, kT0 + 10 * kMin).ok());
  // A refused or failed upload counts for nothing.
  auto failed = q.Reserve("t1", "u-t1", 100 * kKiB, kNowS + 900);
  ASSERT_TRUE(failed.ok());
  ASSERT_TRUE(Quotas::Release(*db_, failed->id).ok());
  // An open direct upload counts its declared size.
  AddOpenUpload("direct", "u-t1", 200 * kKiB);
  use = q.UploadBytes(*db_, "u-t1", kT0 + 20 * kMin);
  ASSERT_TRUE(use.ok());
  EXPECT_EQ(use->stored, 700 * kKiB);
  EXPECT_EQ(use->pending, 200 * kKiB);
  EXPECT_EQ(use->limit, 1024 * kKiB);

  EXPECT_TRUE(q.CheckUploadBytes(*db_, "u-t1", 124 * kKiB, kT0 + 20 * kMin).ok()) << "just fits";
  Status refused = q.CheckUploadBytes(*db_, "u-t1", 300 * kKiB, kT0 + 20 * kMin);
  EXPECT_EQ(refused.kind(), ErrorKind::kResourceExhausted);
  EXPECT_EQ(ByteLimitCode(refused), "upload_bytes_rate_limit");
  EXPECT_NE(refused.message().find("limits.user_upload_mb_per_hour = 1"), std::string::npos)
      << refused.message();
  EXPECT_EQ(refused.retry_after_s(), 40 * 60) << "the first stored leaves at t0 + 1 h";
  EXPECT_EQ(q.CheckUploadBytes(*db_, "u-t1", 600 * kKiB, kT0 + 20 * kMin).retry_after_s(), 50 * 60)
      << "both stored have to leave: the second at t0 + 70 min";
  // With the direct upload still open even an empty window would not hold 900 KiB more: an
  // hour, for the one in progress to be stored and then leave.
  EXPECT_EQ(q.CheckUploadBytes(*db_, "u-t1", 900 * kKiB, kT0 + 20 * kMin).retry_after_s(), 3600);
  Status never = q.CheckUploadBytes(*db_, "u-t1", 2048 * kKiB, kT0 + 20 * kMin);
  EXPECT_EQ(never.kind(), ErrorKind::kResourceExhausted);
  EXPECT_LT(never.retry_after_s(), 0) << "more than the limit itself: no time to wait for";
  EXPECT_TRUE(q.CheckUploadBytes(*db_, "u-t2", 1024 * kKiB, kT0 + 20 * kMin).ok())
      << "another user has their own";
  auto reserve = q.Reserve("t1", "u-t1", 300 * kKiB, kNowS + 1200);
  EXPECT_EQ(reserve.status().kind(), ErrorKind::kResourceExhausted);
  EXPECT_EQ(reserve.status().retry_after_s(), 40 * 60);

  // The direct upload is completed: its bytes count as stored from then on, once.
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(q.CountCompletedUpload(*db_, "direct", 200 * kKiB, kT0 + 30 * kMin).ok());
  ASSERT_TRUE(db_->Exec("UPDATE uploads SET state = 'completed' WHERE id = 'direct'").ok());
  use = q.UploadBytes(*db_, "u-t1", kT0 + 30 * kMin);
  ASSERT_TRUE(use.ok());
  EXPECT_EQ(use->stored, 900 * kKiB);
  EXPECT_EQ(use->pending, 0);
  // An hour after the first was stored it has left the window.
  use = q.UploadBytes(*db_, "u-t1", kT0 + 60 * kMin);
  ASSERT_TRUE(use.ok());
  EXPECT_EQ(use->stored, 700 * kKiB);
  auto figures = q.Figures("t1", "u-t1", kT0 + 60 * kMin);
  ASSERT_TRUE(figures.ok()) << figures.status().message();
  EXPECT_EQ(figures->upload_bytes.used(), 700 * kKiB);
  EXPECT_EQ(figures->upload_bytes.limit, 1024 * kKiB);
  // A reservation of a process that died lapses; rows that no longer count go as new ones come.
  auto lapsing = q.Reserve("t1", "u-t1", 100 * kKiB, kNowS + 3600);
  ASSERT_TRUE(lapsing.ok());
  use = q.UploadBytes(*db_, "u-t1", (kNowS + 3600 + Quotas::kReservationTtlS + 1) * 1000);
  ASSERT_TRUE(use.ok());
  EXPECT_EQ(use->pending, 0);
  EXPECT_EQ(UploadBytesRows(), 3) << "the first stored row was pruned by the last reservation";

  Quotas off(*db_, Limits(0, 0, 0, 0));
  EXPECT_TRUE(off.CheckUploadBytes(*db_, "u-t1", int64_t{1} << 40, kT0).ok()) << "0: off";
  auto none = off.Reserve("t1", "u-t1", 100 * kKiB, kNowS);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->id, "") << "neither limit on, no rows";
  ASSERT_TRUE(off.CountCompletedUpload(*db_, "direct2", 1, kT0).ok());
  EXPECT_EQ(UploadBytesRows(), 3);
}

TEST_P(QuotasTest, TheReaderCutsABodyAtTheUploadBytesPerHourAndOnlyStoredBytesCount) {
  Quotas q(*db_, Limits(0, 0, 0, 1));  // 1 MiB an hour, no storage quota
  const int64_t now_ms = int64_t{std::time(nullptr)} * 1000;
  {
    std::istringstream body(std::string(3 << 20, 'x'));
    QuotaReader reader(q, body, "t1", "u-t1", -1, 256 * kKiB);
    ASSERT_TRUE(reader.Start(std::time(nullptr)).ok());
    std::string got((std::istreambuf_iterator<char>(reader.stream())), {});
    EXPECT_TRUE(reader.stream().bad());
    EXPECT_EQ(reader.error().kind(), ErrorKind::kResourceExhausted);
    EXPECT_EQ(ByteLimitCode(reader.error()), "upload_bytes_rate_limit");
    EXPECT_NE(reader.error().message().find("limits.user_upload_mb_per_hour"), std::string::npos);
    EXPECT_EQ(reader.error().retry_after_s(), 3600) << "its own bytes are in progress";
    EXPECT_EQ(static_cast<int64_t>(got.size()), 1 << 20) << "cut right at the limit";
  }
  EXPECT_EQ(UploadBytesRows(), 0) << "a cut body counts for nothing";
  {
    std::istringstream body(std::string(600 * kKiB, 'y'));
    QuotaReader reader(q, body, "t1", "u-t1", -1, 256 * kKiB);
    ASSERT_TRUE(reader.Start(std::time(nullptr)).ok());
    std::string got((std::istreambuf_iterator<char>(reader.stream())), {});
    EXPECT_EQ(got.size(), size_t{600 * kKiB});
    EXPECT_TRUE(reader.error().ok());
    ASSERT_TRUE(reader.Record(*db_, 600 * kKiB, now_ms).ok());
    reader.Commit();
  }
  auto use = q.UploadBytes(*db_, "u-t1", now_ms);
  ASSERT_TRUE(use.ok());
  EXPECT_EQ(use->stored, 600 * kKiB);
  EXPECT_EQ(use->pending, 0);
  // A declared length that does not fit is refused before a byte is read.
  std::istringstream big(std::string(600 * kKiB, 'z'));
  QuotaReader declared(q, big, "t1", "u-t1", 600 * kKiB);
  Status s = declared.Start(std::time(nullptr));
  EXPECT_EQ(s.kind(), ErrorKind::kResourceExhausted);
  EXPECT_GE(s.retry_after_s(), 3598) << "when the stored recording leaves the window";
  EXPECT_LE(s.retry_after_s(), 3600);
  EXPECT_EQ(big.tellg(), 0);
  // With both limits on, the storage quota speaks first: deleting makes room, waiting does not.
  Quotas both(*db_, Limits(1, 0, 0, 1));
  std::istringstream more(std::string(2 << 20, 'w'));
  QuotaReader reader(both, more, "t1", "u-t1", 2 << 20);
  EXPECT_EQ(ByteLimitCode(reader.Start(std::time(nullptr))), "storage_quota_exceeded");
}

TEST_P(QuotasTest, ConcurrentReservationsFromSeparateConnectionsNeverPassTheQuota) {
  Quotas limits_only(*db_, Limits(1, 0, 0));
  constexpr int kThreads = 6;
  std::atomic<int> granted{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      auto db = Open();  // one connection each, as separate API instances have
      if (!db) return (void)failed++;
      Quotas q(*db, limits_only.limits());
      auto r = q.Reserve("t1", "u-t1", 300 * kKiB, kNowS);
      if (r.ok())
        granted++;
      else if (r.status().kind() == ErrorKind::kTooLarge)
        refused++;
      else
        failed++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(granted, 3) << "3 × 300 KiB fit in 1 MiB, a fourth does not";
  EXPECT_EQ(refused, kThreads - 3);
}

TEST_P(QuotasTest, ConcurrentReservationsFromSeparateConnectionsNeverPassTheUploadBytes) {
  Quotas limits_only(*db_, Limits(0, 0, 0, 1));
  constexpr int kThreads = 6;
  std::atomic<int> granted{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      auto db = Open();
      if (!db) return (void)failed++;
      Quotas q(*db, limits_only.limits());
      auto r = q.Reserve("t1", "u-t1", 300 * kKiB, kNowS);
      if (r.ok())
        granted++;
      else if (r.status().kind() == ErrorKind::kResourceExhausted)
        refused++;
      else
        failed++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(granted, 3) << "3 × 300 KiB fit in 1 MiB an hour, a fourth does not";
  EXPECT_EQ(refused, kThreads - 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, QuotasTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace minutes
