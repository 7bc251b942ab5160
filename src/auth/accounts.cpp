#include "auth/accounts.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

namespace minutes {
namespace {

constexpr const char* kKeyPrefix = "mk_";

bool ValidName(const std::string& s) {
  static const std::regex kName(R"(^[A-Za-z0-9._@-]{1,64}$)");  // @: e-mail-like ids
  return std::regex_match(s, kName);
}

Result<std::string> NewId() { return RandomHex(12); }

User UserFromRow(const DbRow& r) {
  User u;
  u.id = AsString(r[0]);
  u.tenant_id = AsString(r[1]);
  u.username = AsString(r[2]);
  u.role = AsString(r[3]);
  u.disabled = AsInt(r[4]) != 0;
  u.created_at = AsString(r[5]);
  u.tenant_name = AsString(r[6]);
  return u;
}

constexpr const char* kUserSelect =
    "SELECT u.id, u.tenant_id, u.username, u.role, u.disabled, u.created_at, t.name, "
    "u.password_hash FROM users u JOIN tenants t ON t.id = u.tenant_id ";

}  // namespace

Result<Tenant> Accounts::AddTenant(const std::string& name) {
  if (!ValidName(name))
    return Status::BadInput("tenant name '" + name +
                            "': use 1-64 letters, digits, '.', '_' or '-'");
  auto id = NewId();
  if (!id.ok()) return id.status();
  Tenant t{*id, name, NowIso()};
  Status s = db_.Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
                      {t.id, t.name, t.created_at});
  if (s.kind() == ErrorKind::kBadInput) return Status::BadInput("tenant '" + name + "' exists");
  if (!s.ok()) return s;
  return t;
}

Result<std::vector<Tenant>> Accounts::ListTenants() {
  auto rows = db_.Query("SELECT id, name, created_at FROM tenants ORDER BY name");
  if (!rows.ok()) return rows.status();
  std::vector<Tenant> out;
  for (auto& r : *rows) out.push_back({AsString(r[0]), AsString(r[1]), AsString(r[2])});
  return out;
}

Result<User> Accounts::AddUser(const std::string& username, const std::string& tenant,
                               const std::string& password, bool admin) {
  if (!ValidName(username))
    return Status::BadInput("username '" + username +
                            "': use 1-64 letters, digits, '.', '_' or '-'");
  if (!ValidName(tenant))
    return Status::BadInput("tenant name '" + tenant +
                            "': use 1-64 letters, digits, '.', '_' or '-'");
  // Hash before the transaction: argon2id takes tens of milliseconds by design.
  auto hash = HashPassword(password, params_);
  if (!hash.ok()) return hash.status();
  auto uid = NewId(), tid = NewId();
  if (!uid.ok() || !tid.ok()) return Status::Internal("no random bytes for ids");
  User user;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto t = tx.Query("SELECT id FROM tenants WHERE name = ?", {tenant});
    if (!t.ok()) return t.status();
    std::string tenant_id = t->empty() ? *tid : AsString((*t)[0][0]);
    if (t->empty()) {
      Status e = tx.Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
                         {tenant_id, tenant, NowIso()});
      if (!e.ok()) return e;
    }
    auto taken = tx.Query("SELECT 1 FROM users WHERE username = ?", {username});
    if (!taken.ok()) return taken.status();
    if (!taken->empty()) return Status::BadInput("username '" + username + "' is taken");
    user = {*uid, tenant_id, tenant, username, admin ? "admin" : "member", NowIso(), false};
    return tx.Exec(
        "INSERT INTO users (id, tenant_id, username, password_hash, role, disabled, created_at) "
        "VALUES (?, ?, ?, ?, ?, 0, ?)",
        {user.id, user.tenant_id, user.username, *hash, user.role, user.created_at});
  });
  if (!s.ok()) return s;
  return user;
}

Result<std::vector<User>> Accounts::ListUsers(const std::string& tenant) {
  std::string sql = std::string(kUserSelect) + (tenant.empty() ? "" : "WHERE t.name = ? ") +
                    "ORDER BY t.name, u.username";
  std::vector<DbValue> params;
  if (!tenant.empty()) params.push_back(tenant);
  auto rows = db_.Query(sql, params);
  if (!rows.ok()) return rows.status();
  std::vector<User> out;
  for (auto& r : *rows) out.push_back(UserFromRow(r));
  return out;
}

Result<User> Accounts::FindUser(Database& db, const std::string& column, const std::string& value) {
  auto rows = db.Query(std::string(kUserSelect) + "WHERE u." + column + " = ?", {value});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no user '" + value + "'");
  return UserFromRow((*rows)[0]);
}

Status Accounts::SetDisabled(const std::string& username, bool disabled) {
  auto u = FindUser(db_, "username", username);
  if (!u.ok()) return u.status();
  return db_.Exec("UPDATE users SET disabled = ? WHERE id = ?", {int64_t{disabled ? 1 : 0}, u->id});
}

Status Accounts::ResetPassword(const std::string& username, const std::string& password) {
  auto u = FindUser(db_, "username", username);
  if (!u.ok()) return u.status();
  auto hash = HashPassword(password, params_);
  if (!hash.ok()) return hash.status();
  return db_.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {*hash, u->id});
}

Result<User> Accounts::Login(const std::string& username, const std::string& password) {
  auto rows = db_.Query(std::string(kUserSelect) + "WHERE u.username = ?", {username});
  if (!rows.ok()) return rows.status();
  const Status denied = Status::NotFound("wrong username or password");
  if (rows->empty()) {
    // Spend the same time as a real check so timing does not reveal which usernames exist.
    (void)VerifyPassword(password,
                         "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$"
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    return denied;
  }
  const DbRow& r = (*rows)[0];
  if (!VerifyPassword(password, AsString(r[7]))) return denied;
  User u = UserFromRow(r);
  if (u.disabled) return denied;
  return u;
}

Result<std::pair<std::string, ApiKeyInfo>> Accounts::CreateApiKey(const std::string& username,
                                                                  const std::string& name) {
  auto u = FindUser(db_, "username", username);
  if (!u.ok()) return u.status();
  auto id = NewId();
  auto secret = RandomHex(20);
  if (!id.ok() || !secret.ok()) return Status::Internal("no random bytes for a key");
  std::string key = kKeyPrefix + *secret;
  ApiKeyInfo info{*id, u->id, name, NowIso(), false};
  Status s = db_.Exec(
      "INSERT INTO api_keys (id, user_id, prefix, key_hash, name, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {info.id, info.user_id, key.substr(0, 11), Sha256Hex(key), name, info.created_at});
  if (!s.ok()) return s;
  return std::make_pair(key, info);
}

Status Accounts::RevokeApiKey(const std::string& key_id) {
  auto rows = db_.Query("SELECT revoked_at FROM api_keys WHERE id = ?", {key_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no API key '" + key_id + "'");
  return db_.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                  {NowIso(), key_id});
}

Result<User> Accounts::AuthenticateApiKey(const std::string& key) {
  const Status denied = Status::NotFound("invalid API key");
  if (key.rfind(kKeyPrefix, 0) != 0 || key.size() != 43) return denied;
  auto rows = db_.Query(
      "SELECT user_id FROM api_keys WHERE prefix = ? AND key_hash = ? AND revoked_at IS NULL",
      {key.substr(0, 11), Sha256Hex(key)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return denied;
  auto u = FindUser(db_, "id", AsString((*rows)[0][0]));
  if (!u.ok() || u->disabled) return denied;
  return u;
}

}  // namespace minutes
