// The objects, uploads and schema repositories (what the sweeper and the readiness probes read)
// on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/objects.hpp"
#include "store/schema.hpp"
#include "store/uploads.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class UploadsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddTenant("evil");
    AddUser("alice", "acme", "member");
    AddObject("o1", "acme", "tenants/acme/recordings/o1");
    AddObject("o2", "evil", "tenants/evil/recordings/o2");
  }
  void AddUpload(const std::string& id, const std::string& state, const std::string& expires_at) {
    Exec(
        "INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, size, part_size, "
        "storage_key, store_upload_id, token_hash, state, created_at, expires_at) VALUES (?, "
        "'acme', 'alice', 'a.wav', 'audio/wav', 10, 5, ?, ?, '', ?, 'x', ?)",
        {id, "tenants/acme/recordings/" + id, "mp-" + id, state, expires_at});
  }
};

TEST_P(UploadsContract, EveryTenantsStorageKeys) {
  auto keys = AllStorageKeys(*db_);
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  std::sort(keys->begin(), keys->end());
  EXPECT_EQ(*keys,
            (std::vector<std::string>{"tenants/acme/recordings/o1", "tenants/evil/recordings/o2"}));
}

TEST_P(UploadsContract, ATasksRecordingGetsItsDuration) {
  AddTask("t1", "acme", "alice", "o1");
  ASSERT_TRUE(SetTaskRecordingDuration(*db_, "t1", 61.5).ok());
  auto rows = db_->Query("SELECT id, duration FROM objects ORDER BY id");
  ASSERT_TRUE(rows.ok());
  EXPECT_DOUBLE_EQ(std::get<double>((*rows)[0][1]), 61.5);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>((*rows)[1][1]));  // another's untouched
}

TEST_P(UploadsContract, OpenUploadsPastTheirExpiryAreExpiredOnce) {
  AddUpload("u1", "open", "2026-01-01T10:00:00Z");
  AddUpload("u2", "open", "2026-01-01T12:00:00Z");       // not yet
  AddUpload("u3", "completed", "2026-01-01T09:00:00Z");  // done with
  auto expired = FindExpiredUploads(*db_, "2026-01-01T11:00:00.000Z");
  ASSERT_TRUE(expired.ok()) << expired.status().message();
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].id, "u1");
  EXPECT_EQ((*expired)[0].storage_key, "tenants/acme/recordings/u1");
  EXPECT_EQ((*expired)[0].store_upload_id, "mp-u1");
  ASSERT_TRUE(MarkUploadExpired(*db_, "u1").ok());
  ASSERT_TRUE(MarkUploadExpired(*db_, "u3").ok());  // not open: left as it is
  EXPECT_TRUE(FindExpiredUploads(*db_, "2026-01-01T11:00:00.000Z")->empty());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM uploads WHERE state = 'expired'"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM uploads WHERE state = 'completed'"), 1);
}

TEST_P(UploadsContract, TheSchemaProbeAnswersOnAMigratedDatabaseOnly) {
  EXPECT_TRUE(ProbeSchema(*db_).ok());
  // Without its migrations table (dropped in a transaction rolled back: the next case's
  // database keeps it).
  Status s = db_->Transaction([](Database& tx) -> Status {
    if (Status dropped = tx.Exec("DROP TABLE schema_migrations"); !dropped.ok()) return dropped;
    EXPECT_FALSE(ProbeSchema(tx).ok());
    return Status::Internal("rolled back");
  });
  EXPECT_EQ(s.message(), "rolled back");
  EXPECT_TRUE(ProbeSchema(*db_).ok());
}

STORE_CONTRACT(UploadsContract);

}  // namespace
}  // namespace minutes::testing
