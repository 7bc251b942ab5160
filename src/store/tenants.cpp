#include "store/tenants.hpp"

namespace minutes {
namespace {

constexpr const char* kUserColumns = "SELECT id, username, role, disabled, created_at FROM users ";

Result<std::vector<UserRow>> ReadUsers(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<UserRow> out;
  for (const DbRow& r : *rows)
    out.push_back(
        {AsString(r[0]), AsString(r[1]), AsString(r[2]), AsInt(r[3]) != 0, AsString(r[4])});
  return out;
}

Result<std::optional<UserRow>> FirstUser(Result<std::vector<DbRow>> rows) {
  auto users = ReadUsers(std::move(rows));
  if (!users.ok()) return users.status();
  if (users->empty()) return std::optional<UserRow>();
  return std::optional<UserRow>(std::move(users->front()));
}

// The one text column of the first row, or nullopt when there is none.
Result<std::optional<std::string>> FirstText(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsString(rows->front()[0]));
}

}  // namespace

Result<std::optional<TenantRow>> FindTenant(Database& db, const std::string& tenant_id) {
  auto rows =
      db.Query("SELECT id, name, asr_engine, llm_provider FROM tenants WHERE id = ?", {tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TenantRow>();
  const DbRow& r = rows->front();
  return std::optional<TenantRow>(
      TenantRow{AsString(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3])});
}

Result<std::optional<std::string>> FindTenantName(Database& db, const std::string& tenant_id) {
  return FirstText(db.Query("SELECT name FROM tenants WHERE id = ?", {tenant_id}));
}

Result<std::optional<std::string>> FindTenantLlmProvider(Database& db,
                                                         const std::string& tenant_id) {
  return FirstText(db.Query("SELECT llm_provider FROM tenants WHERE id = ?", {tenant_id}));
}

Status SetTenantAsrEngine(Database& db, const std::string& tenant_id, const std::string& engine) {
  return db.Exec("UPDATE tenants SET asr_engine = ? WHERE id = ?", {engine, tenant_id});
}

Status SetTenantLlmProvider(Database& db, const std::string& tenant_id,
                            const std::string& provider) {
  return db.Exec("UPDATE tenants SET llm_provider = ? WHERE id = ?", {provider, tenant_id});
}

Result<std::vector<UserRow>> ListTenantUsers(Database& db, const std::string& tenant_id) {
  return ReadUsers(
      db.Query(std::string(kUserColumns) + "WHERE tenant_id = ? ORDER BY username", {tenant_id}));
}

Result<std::optional<UserRow>> FindTenantUser(Database& db, const std::string& user_id,
                                              const std::string& tenant_id) {
  return FirstUser(
      db.Query(std::string(kUserColumns) + "WHERE id = ? AND tenant_id = ?", {user_id, tenant_id}));
}

Result<std::optional<UserRow>> FindUser(Database& db, const std::string& user_id) {
  return FirstUser(db.Query(std::string(kUserColumns) + "WHERE id = ?", {user_id}));
}

Result<std::optional<UserSignIn>> FindUserByName(Database& db, const std::string& username) {
  auto rows = db.Query(
      "SELECT u.id, u.tenant_id, t.name, u.role, u.disabled FROM users u JOIN tenants t ON "
      "t.id = u.tenant_id WHERE u.username = ?",
      {username});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<UserSignIn>();
  const DbRow& r = rows->front();
  return std::optional<UserSignIn>(
      UserSignIn{AsString(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3]), AsInt(r[4]) != 0});
}

}  // namespace minutes
