#include "store_contract.hpp"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "db/migrator.hpp"
#include "pg_server.hpp"

namespace minutes::testing {
namespace {

namespace fs = std::filesystem;

// The process's PostgreSQL: started by the first case that asks, with one database migrated
// once; each case gets it emptied of every row (the schema and its migrations stay). Emptying
// takes a few milliseconds; a database per case (CREATE DATABASE … TEMPLATE) took 160.
class SharedPostgres : public ::testing::Environment {
 public:
  static SharedPostgres* instance;

  // The URL of the database, with every table empty.
  std::string EmptyDatabase() {
    std::lock_guard lock(mu_);
    if (!server_) Start();
    // Referring tables before the ones they refer to: a DELETE refused for a foreign key is
    // tried again in the next round, and the order that worked is kept for the next case.
    std::vector<std::string> left = std::move(tables_), done;
    for (int round = 0; !left.empty(); ++round) {
      if (round > 50) throw std::runtime_error("cannot empty table " + left.front());
      std::vector<std::string> refused;
      for (std::string& table : left)
        (db_->Exec("DELETE FROM " + table).ok() ? done : refused).push_back(std::move(table));
      left = std::move(refused);
    }
    tables_ = std::move(done);
    return server_->Url();
  }
  void TearDown() override {
    db_.reset();
    server_.reset();
  }

 private:
  void Start() {
    server_ = std::make_unique<PgServer>();
    auto db = OpenDatabase(server_->Url());
    if (!db.ok()) throw std::runtime_error("open: " + db.status().message());
    db_ = std::move(*db);
    auto migrated = Migrate(*db_);
    if (!migrated.ok()) throw std::runtime_error("migrate: " + migrated.status().message());
    auto tables = db_->Query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> "
        "'schema_migrations' ORDER BY tablename");
    if (!tables.ok()) throw std::runtime_error("list tables: " + tables.status().message());
    for (const DbRow& r : *tables) tables_.push_back(AsString(r[0]));
  }
  std::mutex mu_;
  std::unique_ptr<PgServer> server_;
  std::unique_ptr<Database> db_;
  std::vector<std::string> tables_;
};
SharedPostgres* SharedPostgres::instance =
    static_cast<SharedPostgres*>(::testing::AddGlobalTestEnvironment(new SharedPostgres));

}  // namespace

void StoreContract::SetUp() {
  std::string url;
  if (GetParam() == "sqlite") {
    // In memory when the machine has a tmpfs: a build beside the tests can make every fsync of
    // a file on disk take seconds.
    static const fs::path dir =
        access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm") : fs::temp_directory_path();
    static std::atomic<int> n{0};
    sqlite_file_ =
        dir / ("minutes-store-" + std::to_string(getpid()) + "-" + std::to_string(++n) + ".db");
    fs::remove(sqlite_file_);
    url = "sqlite://" + sqlite_file_.string();
  } else {
    url = SharedPostgres::instance->EmptyDatabase();
  }
  auto db = OpenDatabase(url);
  ASSERT_TRUE(db.ok()) << db.status().message();
  db_ = std::move(*db);
  if (GetParam() == "sqlite") {
    ASSERT_TRUE(Migrate(*db_).ok());
  }
  ASSERT_EQ(db_->Dialect(), GetParam());
}

void StoreContract::TearDown() {
  db_.reset();
  if (!sqlite_file_.empty()) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(sqlite_file_.string() + suffix, ec);
  }
}

void StoreContract::AddTenant(const std::string& id) {
  Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, '2026-01-01T00:00:00Z')",
       {id, id});
}

void StoreContract::AddUser(const std::string& id, const std::string& tenant_id,
                            const std::string& role) {
  Exec(
      "INSERT INTO users (id, tenant_id, username, password_hash, role, created_at) VALUES (?, "
      "?, ?, 'h', ?, 'x')",
      {id, tenant_id, id, role});
}

void StoreContract::AddObject(const std::string& id, const std::string& tenant_id,
                              const std::string& storage_key) {
  Exec(
      "INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, sha256, "
      "created_at) VALUES (?, ?, ?, ?, 'audio/wav', 1, '', 'x')",
      {id, tenant_id, storage_key, id + ".wav"});
}

void StoreContract::AddTask(const std::string& id, const std::string& tenant_id,
                            const std::string& user_id, const std::string& object_id,
                            const std::string& state) {
  Exec(
      "INSERT INTO tasks (id, tenant_id, user_id, object_id, state, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
      {id, tenant_id, user_id, object_id.empty() ? DbValue(nullptr) : DbValue(object_id), state});
}

void StoreContract::Exec(const std::string& sql, const std::vector<DbValue>& params) {
  Status s = db_->Exec(sql, params);
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << sql;
}

int64_t StoreContract::QueryInt(const std::string& sql, const std::vector<DbValue>& params) {
  auto rows = db_->Query(sql, params);
  EXPECT_TRUE(rows.ok()) << rows.status().message() << "\n" << sql;
  if (!rows.ok() || rows->empty()) return -1;
  return AsInt((*rows)[0][0]);
}

}  // namespace minutes::testing
