// The sweep of temporaries (worker/sweeper.cpp) on SQLite and a file object store.
#include "worker/sweeper.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "worker/scratch_backends_test.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

class Sweep : public ScratchBackends {
 protected:
  Sweep() : ScratchBackends("u1") {}
  void SetUp() override {
    ScratchBackends::SetUp();
    Exec(
        {"INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, sha256, "
         "created_at) VALUES ('o1', 'acme', 'tenants/acme/recordings/kept', 'a.wav', "
         "'audio/wav', 1, '', 'x')"});
  }
  void Put(const std::string& key) {
    std::istringstream body("x");
    ASSERT_TRUE(store_->Put(key, body, 1 << 20).ok()) << key;
  }
  void AddUpload(const std::string& id, const std::string& store_upload_id,
                 const std::string& expires_at) {
    ASSERT_TRUE(
        db_->Exec("INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, size, "
                  "part_size, storage_key, store_upload_id, token_hash, state, created_at, "
                  "expires_at) VALUES (?, 'acme', 'u1', 'a.wav', 'audio/wav', 10, 5, ?, ?, '', "
                  "'open', 'x', ?)",
                  {id, "tenants/acme/recordings/" + id, store_upload_id, expires_at})
            .ok());
  }
  std::string UploadState(const std::string& id) {
    auto rows = db_->Query("SELECT state FROM uploads WHERE id = ?", {id});
    return rows.ok() && !rows->empty() ? AsString((*rows)[0][0]) : "";
  }
};

TEST_F(Sweep, RemovesWhatNothingRefersToAndKeepsTheRest) {
  Put("tenants/acme/recordings/kept");    // an objects row names it
  Put("tenants/acme/recordings/orphan");  // stored, then the process died
  Put("tenants/acme/exports/report");     // not a recording: not the sweeper's
  Put("_probe/ready-1");
  auto open = store_->BeginUpload("tenants/acme/recordings/u1");
  ASSERT_TRUE(open.ok()) << open.status().message();
  AddUpload("u1", *open, "2000-01-01T00:00:00Z");  // expired
  AddUpload("u2", "ffffffffffffffffffffffffffffffff", "2999-01-01T00:00:00Z");
  for (const char* name : {"minutes-task-t1-42", "someone-else"})
    std::ofstream(dir_ / "tmp" / name) << "x";
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // all older than a ttl of 0

  auto report = SweepTemporaries(*db_, *store_, std::chrono::seconds(0), (dir_ / "tmp").string());
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->orphans, 1);
  EXPECT_EQ(report->probes, 1);
  EXPECT_EQ(report->uploads, 1);
  EXPECT_EQ(report->temp_files, 1);
  EXPECT_TRUE(store_->Head("tenants/acme/recordings/kept").ok());
  EXPECT_FALSE(store_->Head("tenants/acme/recordings/orphan").ok());
  EXPECT_TRUE(store_->Head("tenants/acme/exports/report").ok());
  EXPECT_FALSE(store_->Head("_probe/ready-1").ok());
  EXPECT_EQ(UploadState("u1"), "expired");
  EXPECT_EQ(UploadState("u2"), "open");
  EXPECT_FALSE(fs::exists(dir_ / "tmp" / "minutes-task-t1-42"));
  EXPECT_TRUE(fs::exists(dir_ / "tmp" / "someone-else"));

  auto again = SweepTemporaries(*db_, *store_, std::chrono::seconds(0), (dir_ / "tmp").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->orphans + again->probes + again->uploads + again->temp_files, 0);
}

TEST_F(Sweep, NothingYoungerThanTheTtl) {
  Put("tenants/acme/recordings/orphan");
  Put("_probe/ready-1");
  std::ofstream(dir_ / "tmp" / "minutes-task-t1-42") << "x";
  auto report =
      SweepTemporaries(*db_, *store_, std::chrono::seconds(3600), (dir_ / "tmp").string());
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->orphans + report->probes + report->temp_files, 0);
  EXPECT_TRUE(store_->Head("tenants/acme/recordings/orphan").ok());
}

}  // namespace
}  // namespace minutes
