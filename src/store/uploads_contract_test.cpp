// The objects, uploads and schema repositories (what the sweeper and the readiness probes read)
// on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/objects.hpp"
#include "store/schema.hpp"
#include "store/tasks.hpp"
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

TEST_P(UploadsContract, ADirectUploadBecomesAnObjectAndATask) {
  UploadRow u;
  u.id = "u1", u.tenant_id = "acme", u.filename = "a.wav", u.content_type = "audio/wav";
  u.storage_key = "tenants/acme/recordings/u1", u.store_upload_id = "mp-1";
  u.part_url_key = "", u.created_at = "2026-01-01T10:00:00Z";
  u.expires_at = "2026-01-02T10:00:00Z", u.size = 25, u.part_size = 10;
  ASSERT_TRUE(InsertUpload(*db_, u, "alice").ok());
  u.id = "u0", u.storage_key = "k0", u.created_at = "2026-01-01T09:00:00Z";
  ASSERT_TRUE(InsertUpload(*db_, u, "alice").ok());
  auto found = FindTenantUpload(*db_, "u1", "acme");
  ASSERT_TRUE(found.ok() && *found) << found.status().message();
  EXPECT_EQ((*found)->state, "open");
  EXPECT_EQ((*found)->token_hash, "");
  EXPECT_EQ((*found)->object_id, "");  // NULL
  EXPECT_EQ((*found)->parts_total(), 3);
  EXPECT_EQ((*found)->PartBytes(3), 5);
  EXPECT_FALSE(FindTenantUpload(*db_, "u1", "evil")->has_value());
  EXPECT_TRUE(FindUploadById(*db_, "u1")->has_value());
  // The first key given stays.
  EXPECT_EQ(**EnsureUploadPartUrlKey(*db_, "u1", "key-a"), "key-a");
  EXPECT_EQ(**EnsureUploadPartUrlKey(*db_, "u1", "key-b"), "key-a");
  EXPECT_FALSE(EnsureUploadPartUrlKey(*db_, "nope", "key")->has_value());
  ASSERT_TRUE(MarkUploadAborted(*db_, "u0").ok());
  auto mine = ListUserUploads(*db_, "acme", "alice", "");
  ASSERT_TRUE(mine.ok()) << mine.status().message();
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, "u1");  // newest first
  EXPECT_EQ(ListUserUploads(*db_, "acme", "alice", "aborted")->size(), 1u);

  ObjectRow o{"o3", "acme", u.storage_key, "a.wav", "audio/wav", 25, "sha", "wav", "x", {}};
  ASSERT_TRUE(InsertObject(*db_, o).ok());
  ASSERT_TRUE(MarkUploadCompleted(*db_, "u1", "o3").ok());
  auto untaken = FindUntakenUploadObject(*db_, "u1", "acme");
  ASSERT_TRUE(untaken.ok() && *untaken) << untaken.status().message();
  EXPECT_EQ((*untaken)->size, 25);
  EXPECT_FALSE((*untaken)->duration.has_value());
  ASSERT_TRUE(SetObjectDuration(*db_, "o3", 12.5).ok());
  EXPECT_EQ((**FindUntakenUploadObject(*db_, "u1", "acme")).duration, 12.5);

  NewTask t;
  t.id = "t9", t.tenant_id = "acme", t.user_id = "alice", t.title = "Standup";
  t.object_id = "o3", t.template_name = "default", t.hotword_set_id = std::nullopt;
  t.speakers = 2, t.language = "de", t.engine = "auto", t.created_at = "2026-01-01T11:00:00Z";
  ASSERT_TRUE(InsertTask(*db_, t).ok());
  ASSERT_TRUE(SetUploadTask(*db_, "u1", "t9").ok());
  EXPECT_FALSE(FindUntakenUploadObject(*db_, "u1", "acme")->has_value());  // taken
  auto task = FindTaskRow(*db_, "t9");
  ASSERT_TRUE(task.ok() && *task);
  EXPECT_EQ((*task)->state, "queued");
  EXPECT_EQ((*task)->speakers, 2);
  EXPECT_EQ((*task)->updated_at, "2026-01-01T11:00:00Z");
  EXPECT_FALSE((*task)->hotword_set_id.has_value());

  ASSERT_TRUE(InsertObject(*db_, {"o4", "acme", "k4", "b.wav", "", 1, "", "", "x", 3.0}).ok());
  ASSERT_TRUE(MarkUploadCompleted(*db_, "u0", "o4").ok());
  ASSERT_TRUE(MarkUploadAbortedWithoutObject(*db_, "u0").ok());
  ASSERT_TRUE(DeleteObjectRow(*db_, "o4").ok());
  EXPECT_EQ((*FindTenantUpload(*db_, "u0", "acme"))->object_id, "");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM objects WHERE id = 'o4'"), 0);
}

STORE_CONTRACT(UploadsContract);

}  // namespace
}  // namespace minutes::testing
