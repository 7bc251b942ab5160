// Webhooks without a receiver (worker/webhook_job.cpp): which endpoints an event goes to, the
// signature, and the deliveries that end without a connection. Deliveries to a receiver are
// tested end to end (tests/e2e/outbound_e2e_test.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "db/migrator.hpp"
#include "queue/job_queue.hpp"
#include "worker/webhooks.hpp"
#include "worker/worker.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

TEST(WebhookSignature, IsTheHmacSha256OfTheTimestampDotTheBody) {
  // printf '%s' '1700000000.{"event":"task.succeeded"}' | openssl dgst -sha256 -hmac whsec_test
  EXPECT_EQ(WebhookSignature("whsec_test", "1700000000", R"({"event":"task.succeeded"})"),
            "sha256=d19193c0e451af26ee8e3369b6fba59d5391bd9dea2e21b6dba5ad4792043317");
  EXPECT_NE(WebhookSignature("whsec_test", "1700000001", R"({"event":"task.succeeded"})"),
            WebhookSignature("whsec_test", "1700000000", R"({"event":"task.succeeded"})"));
}

// Tenants acme (task t1; webhooks w1 for task.succeeded only, w2 for both events) and evil (w3).
class Webhooks : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("minutes-webhooks-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    fs::remove(path_);
    auto db = OpenDatabase("sqlite://" + path_.string());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
    for (const char* sql :
         {"INSERT INTO tenants (id, name, created_at) VALUES ('acme', 'acme', 'x')",
          "INSERT INTO tenants (id, name, created_at) VALUES ('evil', 'evil', 'x')",
          "INSERT INTO users (id, tenant_id, username, password_hash, role, created_at) VALUES "
          "('u1', 'acme', 'alice', 'h', 'admin', 'x')",
          "INSERT INTO tasks (id, tenant_id, user_id, title, state, error, created_at, updated_at) "
          "VALUES ('t1', 'acme', 'u1', 'Standup', 'failed', 'bad audio', 'c', 'u')",
          "INSERT INTO webhooks (id, tenant_id, url, secret, events, created_at) VALUES ('w1', "
          "'acme', 'https://a.example/', 's', 'task.succeeded', 'x')",
          "INSERT INTO webhooks (id, tenant_id, url, secret, created_at) VALUES ('w2', 'acme', "
          "'http://127.0.0.1:9/hook', 's', 'x')",
          "INSERT INTO webhooks (id, tenant_id, url, secret, created_at) VALUES ('w3', 'evil', "
          "'https://evil.example/', 's', 'x')"})
      ASSERT_TRUE(db_->Exec(sql).ok()) << sql;
  }
  void TearDown() override {
    db_.reset();
    fs::remove(path_);
  }
  // The webhook jobs queued: "webhook_id event" each, in order.
  std::vector<std::string> Queued() {
    auto rows = db_->Query(
        "SELECT task_id, kind, lane, payload FROM jobs WHERE kind = 'webhook' ORDER BY "
        "created_at, id");
    EXPECT_TRUE(rows.ok());
    std::vector<std::string> out;
    for (auto& r : *rows) {
      EXPECT_EQ(AsString(r[0]), "t1");
      EXPECT_EQ(AsString(r[2]), "light");
      auto p = nlohmann::json::parse(AsString(r[3]));
      out.push_back(p["webhook_id"].get<std::string>() + " " + p["event"].get<std::string>());
    }
    return out;
  }
  Job WebhookJob(const std::string& payload) {
    Job j;
    j.id = "j1";
    j.task_id = "t1";
    j.kind = "webhook";
    j.payload = payload;
    j.lane = Lane::kLight;
    return j;
  }
  fs::path path_;
  std::unique_ptr<Database> db_;
};

TEST_F(Webhooks, AnEventGoesToTheTenantsSubscribedEndpointsOnly) {
  ASSERT_TRUE(EnqueueTaskEvent(*db_, "t1", "task.failed").ok());
  EXPECT_EQ(Queued(), std::vector<std::string>{"w2 task.failed"});
  ASSERT_TRUE(EnqueueTaskEvent(*db_, "t1", "task.succeeded").ok());
  auto all = Queued();
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all,
            (std::vector<std::string>{"w1 task.succeeded", "w2 task.failed", "w2 task.succeeded"}));
  ASSERT_TRUE(EnqueueTaskEvent(*db_, "gone", "task.failed").ok());  // a task deleted meanwhile
  EXPECT_EQ(Queued().size(), 3u);
}

TEST_F(Webhooks, DeliveriesWithNothingToDeliverAreDone) {
  EXPECT_TRUE(
      DeliverWebhookJob(*db_, WebhookJob(R"({"event":"task.failed","webhook_id":"gone"})"), {})
          .ok());
  ASSERT_TRUE(db_->Exec("DELETE FROM tasks WHERE id = 't1'").ok());
  EXPECT_TRUE(
      DeliverWebhookJob(*db_, WebhookJob(R"({"event":"task.failed","webhook_id":"w2"})"), {}).ok());
}

TEST_F(Webhooks, AJobWithoutAWebhookIsBadInput) {
  Status s = DeliverWebhookJob(*db_, WebhookJob(R"({"event":"task.failed"})"), {});
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_NE(s.message().find("no webhook_id"), std::string::npos) << s.message();
  EXPECT_EQ(DeliverWebhookJob(*db_, WebhookJob("not json"), {}).kind(), ErrorKind::kBadInput);
}

// The address is checked before any connection: a private one is refused (not retried) unless
// webhooks.allow_private_networks.
TEST_F(Webhooks, APrivateAddressIsRefusedBeforeAnyConnection) {
  Status s =
      DeliverWebhookJob(*db_, WebhookJob(R"({"event":"task.failed","webhook_id":"w2"})"), {});
  EXPECT_EQ(s.kind(), ErrorKind::kFailedPrecondition) << s.message();
  EXPECT_NE(s.message().find("webhook delivery"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace minutes
