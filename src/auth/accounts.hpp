#pragma once
// Tenants, users and API keys: the account rules, on top of the Database interface.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/login_throttle.hpp"
#include "auth/password.hpp"
#include "auth/password_policy.hpp"
#include "core/clock.hpp"  // NowIso, for the rooms that stamp rows
#include "db/database.hpp"

namespace minutes {

struct Tenant {
  std::string id, name, created_at;
};

struct User {
  std::string id, tenant_id, tenant_name, username, role, created_at;
  bool disabled = false;
  /// Goes up with every change to the password, role or enabled state; tokens and API keys
  /// issued under an older generation are refused.
  int64_t token_generation = 0;
};

/// What the authenticator needs to know about a token's user on every request.
struct UserState {
  std::string role;
  bool disabled = false;
  int64_t token_generation = 0;
};

struct ApiKeyInfo {
  std::string id, user_id, name, created_at;
  bool revoked = false;
};

/// A change to one user; fields left empty stay as they are.
struct UserChanges {
  std::optional<bool> disabled;
  std::optional<std::string> role;  ///< "admin" or "member"
  std::optional<std::string> password;
};

/// How accounts hash, which passwords they accept, and how sign-ins are throttled
/// (`auth.*` keys; see cli/service_config AccountOptionsFrom).
struct AccountOptions {
  PasswordParams hash;
  PasswordPolicy policy;
  LoginThrottleOptions throttle;
  int hash_concurrency = 2;  ///< argon2id hashes at once (each holds hash.m_cost_kib)
  int hash_queue = 4;        ///< callers that may wait for one; past it Unavailable (503)
};

/// The account operations. Thread-safe as the Database is. Every change is one transaction.
class Accounts {
 public:
  explicit Accounts(Database& db, AccountOptions options = {});

  /// Names: 1–64 of letters, digits, '.', '_', '-'. BadInput when invalid, AlreadyExists when
  /// taken.
  Result<Tenant> AddTenant(const std::string& name);
  Result<std::vector<Tenant>> ListTenants();

  /// Adds a user to `tenant` (created when missing). Usernames are sign-in names, unique across
  /// tenants: a name in use anywhere is AlreadyExists with the same message whichever tenant has
  /// it (it never names the tenant). The password must pass the policy (FailedPrecondition).
  Result<User> AddUser(const std::string& username, const std::string& tenant,
                       const std::string& password, bool admin);
  /// All users, or one tenant's.
  Result<std::vector<User>> ListUsers(const std::string& tenant = "");
  /// Applies `changes` to user `user_id` in one transaction, after checking all of them (a bad
  /// role or password changes nothing). Anything that changes bumps the token generation: the
  /// user's tokens and API keys from before stop working. NotFound for an unknown id.
  Result<User> UpdateUser(const std::string& user_id, const UserChanges& changes);
  /// UpdateUser by username (the command line).
  Status SetDisabled(const std::string& username, bool disabled);
  Status ResetPassword(const std::string& username, const std::string& password);
  /// The user's own change: `current` must be right (counted by the login throttle like a
  /// sign-in), `replacement` must pass the policy. Returns the user with the new generation.
  Result<User> ChangePassword(const std::string& user_id, const std::string& current,
                              const std::string& replacement, const std::string& client_address);

  /// A sign-in from `client_address` ("" when unknown). The user when the password matches and
  /// the account is enabled; otherwise Unauthenticated "wrong username or password" (the same
  /// for an unknown user, a wrong password and a disabled account), ResourceExhausted with a
  /// Retry-After while the username or address is throttled, Unavailable when too many hashes
  /// are running. `known`, when given, receives the user the username names (for the audit log),
  /// whatever the outcome.
  Result<User> Login(const std::string& username, const std::string& password,
                     const std::string& client_address = "", std::optional<User>* known = nullptr);

  /// The user's role, enabled state and token generation; NotFound when there is no such user.
  Result<UserState> State(const std::string& user_id);

  /// Creates an API key for a user: returns the key ("mk_" + 40 hex) — shown once, stored
  /// only as its SHA-256 — and its id. The key lives until revoked or until the user's token
  /// generation changes.
  Result<std::pair<std::string, ApiKeyInfo>> CreateApiKey(const std::string& username,
                                                          const std::string& name);
  Status RevokeApiKey(const std::string& key_id);
  /// The key's enabled, unrevoked owner, if the key is of the owner's current generation;
  /// Unauthenticated otherwise.
  Result<User> AuthenticateApiKey(const std::string& key);

  const AccountOptions& options() const { return options_; }

 private:
  Result<User> FindUser(Database& db, const std::string& column, const std::string& value);
  /// Runs argon2id in a hash slot.
  Result<std::string> Hash(const std::string& password);
  Result<bool> Verify(const std::string& password, const std::string& encoded);
  Database& db_;
  AccountOptions options_;
  std::unique_ptr<HashSlots> slots_;
  LoginThrottle throttle_;
};

}  // namespace minutes
