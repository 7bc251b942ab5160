#include "auth/accounts.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

#include "core/blocking.hpp"
#include "crypto/sha256.hpp"

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
  u.token_generation = AsInt(r[8]);
  return u;
}

constexpr const char* kUserSelect =
    "SELECT u.id, u.tenant_id, u.username, u.role, u.disabled, u.created_at, t.name, "
    "u.password_hash, u.token_generation FROM users u JOIN tenants t ON t.id = u.tenant_id ";

// The same answer for every way a sign-in can fail, so it tells an attacker nothing.
Status Denied() { return Status::Unauthenticated("wrong username or password"); }

// A name in use in any tenant gets this one answer: it never says where, or that it is the
// caller's own tenant.
Status NameTaken(const std::string& username) {
  return Status::AlreadyExists("username '" + username +
                               "' is not available; choose another (usernames are sign-in "
                               "names, unique across the whole service)");
}

}  // namespace

Accounts::Accounts(Database& db, AccountOptions options)
    : db_(db),
      options_(options),
      slots_(std::make_unique<HashSlots>(options.hash_concurrency, options.hash_queue)),
      throttle_(db, options.throttle) {}

Result<std::string> Accounts::Hash(const std::string& password) {
  Result<std::string> out = Status::Internal("not hashed");
  // A hash (and the wait for a slot) takes tens of milliseconds: not on a handler thread.
  Status s = Status::Ok();
  RunBlocking([&] { s = slots_->Run([&] { out = HashPassword(password, options_.hash); }); });
  if (!s.ok()) return s;
  return out;
}

Result<bool> Accounts::Verify(const std::string& password, const std::string& encoded) {
  bool match = false;
  Status s = Status::Ok();
  RunBlocking([&] { s = slots_->Run([&] { match = VerifyPassword(password, encoded); }); });
  if (!s.ok()) return s;
  return match;
}

Result<Tenant> Accounts::AddTenant(const std::string& name) {
  if (!ValidName(name))
    return Status::BadInput("tenant name '" + name +
                            "': use 1-64 letters, digits, '.', '_' or '-'");
  auto id = NewId();
  if (!id.ok()) return id.status();
  Tenant t{*id, name, NowIso()};
  Status s = db_.Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
                      {t.id, t.name, t.created_at});
  if (s.kind() == ErrorKind::kBadInput)
    return Status::AlreadyExists("tenant '" + name + "' exists");
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
  if (Status p = CheckPassword(password, username, options_.policy); !p.ok()) return p;
  // Hash before the transaction: argon2id takes tens of milliseconds by design.
  auto hash = Hash(password);
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
    if (!taken->empty()) return NameTaken(username);
    user = {*uid, tenant_id, tenant, username, admin ? "admin" : "member", NowIso(), false, 0};
    Status ins = tx.Exec(
        "INSERT INTO users (id, tenant_id, username, password_hash, role, disabled, created_at) "
        "VALUES (?, ?, ?, ?, ?, 0, ?)",
        {user.id, user.tenant_id, user.username, *hash, user.role, user.created_at});
    // Another instance inserted the same name between the check and here (UNIQUE caught it).
    if (ins.kind() == ErrorKind::kBadInput) return NameTaken(username);
    return ins;
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

Result<User> Accounts::UpdateUser(const std::string& user_id, const UserChanges& changes) {
  auto before = FindUser(db_, "id", user_id);
  if (!before.ok()) return before.status();
  if (changes.role && *changes.role != "admin" && *changes.role != "member")
    return Status::BadInput("role must be admin or member");
  std::optional<std::string> hash;
  if (changes.password) {
    if (Status p = CheckPassword(*changes.password, before->username, options_.policy); !p.ok())
      return p;
    auto h = Hash(*changes.password);
    if (!h.ok()) return h.status();
    hash = *h;
  }
  User after;
  Status s = db_.Transaction([&](Database& tx) -> Status {
    auto now = FindUser(tx, "id", user_id);  // as it is inside the transaction
    if (!now.ok()) return now.status();
    after = *now;
    bool changed = false;
    if (changes.disabled && *changes.disabled != after.disabled) {
      Status e = tx.Exec("UPDATE users SET disabled = ? WHERE id = ?",
                         {int64_t{*changes.disabled ? 1 : 0}, user_id});
      if (!e.ok()) return e;
      after.disabled = *changes.disabled, changed = true;
    }
    if (changes.role && *changes.role != after.role) {
      Status e = tx.Exec("UPDATE users SET role = ? WHERE id = ?", {*changes.role, user_id});
      if (!e.ok()) return e;
      after.role = *changes.role, changed = true;
    }
    if (hash) {
      Status e = tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {*hash, user_id});
      if (!e.ok()) return e;
      changed = true;
    }
    if (!changed) return Status::Ok();
    // Everything issued before this change (tokens, API keys) is now of an old generation.
    Status e =
        tx.Exec("UPDATE users SET token_generation = token_generation + 1 WHERE id = ?", {user_id});
    if (!e.ok()) return e;
    ++after.token_generation;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return after;
}

Status Accounts::SetDisabled(const std::string& username, bool disabled) {
  auto u = FindUser(db_, "username", username);
  if (!u.ok()) return u.status();
  UserChanges c;
  c.disabled = disabled;
  return UpdateUser(u->id, c).status();
}

Status Accounts::ResetPassword(const std::string& username, const std::string& password) {
  auto u = FindUser(db_, "username", username);
  if (!u.ok()) return u.status();
  UserChanges c;
  c.password = password;
  return UpdateUser(u->id, c).status();
}

Result<User> Accounts::ChangePassword(const std::string& user_id, const std::string& current,
                                      const std::string& replacement,
                                      const std::string& client_address) {
  auto u = FindUser(db_, "id", user_id);
  if (!u.ok()) return Denied();
  // Checked before the current password, so a bad new one costs no hash and no failure.
  if (Status p = CheckPassword(replacement, u->username, options_.policy); !p.ok()) return p;
  auto in = Login(u->username, current, client_address);
  if (!in.ok()) {
    if (in.status().kind() == ErrorKind::kUnauthenticated)
      return Status::PermissionDenied("the current password is wrong");
    return in.status();
  }
  UserChanges c;
  c.password = replacement;
  return UpdateUser(user_id, c);
}

Result<User> Accounts::Login(const std::string& username, const std::string& password,
                             const std::string& client_address, std::optional<User>* known) {
  if (known) known->reset();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (Status t = throttle_.Check(username, client_address, now); !t.ok()) {
    if (t.kind() != ErrorKind::kResourceExhausted) return t;
    if (known) {
      auto u = FindUser(db_, "username", username);
      if (u.ok()) *known = *u;
    }
    return t;
  }
  auto rows = db_.Query(std::string(kUserSelect) + "WHERE u.username = ?", {username});
  if (!rows.ok()) return rows.status();
  Result<bool> match = false;
  std::optional<User> user;
  if (rows->empty()) {
    // Spend the same time (and memory) as a real check so that timing does not reveal which
    // usernames exist.
    const auto& h = options_.hash;
    match = Verify(password, "$argon2id$v=19$m=" + std::to_string(h.m_cost_kib) + ",t=" +
                                 std::to_string(h.t_cost) + ",p=" + std::to_string(h.parallelism) +
                                 "$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    if (match.ok()) match = false;
  } else {
    user = UserFromRow((*rows)[0]);
    if (known) *known = *user;
    match = Verify(password, AsString((*rows)[0][7]));
  }
  if (!match.ok()) return match.status();  // busy: not the caller's fault, not counted
  if (!*match || !user || user->disabled) {
    auto wait = throttle_.RecordFailure(username, client_address, now);
    if (!wait.ok()) return wait.status();
    return Denied();
  }
  if (Status s = throttle_.RecordSuccess(username, client_address); !s.ok()) return s;
  return *user;
}

Result<UserState> Accounts::State(const std::string& user_id) {
  auto rows =
      db_.Query("SELECT role, disabled, token_generation FROM users WHERE id = ?", {user_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no user '" + user_id + "'");
  const DbRow& r = (*rows)[0];
  return UserState{AsString(r[0]), AsInt(r[1]) != 0, AsInt(r[2])};
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
      "INSERT INTO api_keys (id, user_id, prefix, key_hash, name, created_at, user_generation) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {info.id, info.user_id, key.substr(0, 11), Sha256Hex(key), name, info.created_at,
       u->token_generation});
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
  const Status denied = Status::Unauthenticated("invalid API key");
  if (key.rfind(kKeyPrefix, 0) != 0 || key.size() != 43) return denied;
  // One query: the key, unrevoked, of an enabled owner whose generation has not moved on since.
  auto rows = db_.Query(std::string(kUserSelect) +
                            "JOIN api_keys k ON k.user_id = u.id WHERE k.prefix = ? AND "
                            "k.key_hash = ? AND k.revoked_at IS NULL AND u.disabled = 0 AND "
                            "k.user_generation = u.token_generation",
                        {key.substr(0, 11), Sha256Hex(key)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return denied;
  return UserFromRow((*rows)[0]);
}

}  // namespace minutes
