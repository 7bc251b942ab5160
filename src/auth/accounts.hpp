#pragma once
// Tenants, users and API keys: the account rules, on top of the Database interface.
#include <optional>
#include <string>
#include <vector>

#include "auth/password.hpp"
#include "core/clock.hpp"  // NowIso, for the rooms that stamp rows
#include "db/database.hpp"

namespace minutes {

struct Tenant {
  std::string id, name, created_at;
};

struct User {
  std::string id, tenant_id, tenant_name, username, role, created_at;
  bool disabled = false;
};

struct ApiKeyInfo {
  std::string id, user_id, name, created_at;
  bool revoked = false;
};

/// The account operations. Thread-safe as the Database is. Every change is one transaction.
class Accounts {
 public:
  explicit Accounts(Database& db, PasswordParams params = {}) : db_(db), params_(params) {}

  /// Names: 1–64 of letters, digits, '.', '_', '-'. BadInput when invalid or taken.
  Result<Tenant> AddTenant(const std::string& name);
  Result<std::vector<Tenant>> ListTenants();

  /// Adds a user to `tenant` (created when missing); usernames are unique across tenants.
  Result<User> AddUser(const std::string& username, const std::string& tenant,
                       const std::string& password, bool admin);
  /// All users, or one tenant's.
  Result<std::vector<User>> ListUsers(const std::string& tenant = "");
  Status SetDisabled(const std::string& username, bool disabled);
  Status ResetPassword(const std::string& username, const std::string& password);
  /// The user when the password matches and the account is enabled; NotFound otherwise
  /// (the same answer for an unknown user and a wrong password).
  Result<User> Login(const std::string& username, const std::string& password);

  /// Creates an API key for a user: returns the key ("mk_" + 40 hex) — shown once, stored
  /// only as its SHA-256 — and its id.
  Result<std::pair<std::string, ApiKeyInfo>> CreateApiKey(const std::string& username,
                                                          const std::string& name);
  Status RevokeApiKey(const std::string& key_id);
  /// The key's enabled, unrevoked owner; NotFound otherwise.
  Result<User> AuthenticateApiKey(const std::string& key);

 private:
  Result<User> FindUser(Database& db, const std::string& column, const std::string& value);
  Database& db_;
  PasswordParams params_;
};

}  // namespace minutes
