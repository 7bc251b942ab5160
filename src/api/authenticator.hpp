#pragma once
// Who is calling: API keys, the service's own login tokens, gateway headers from a trusted
// proxy (seed 004 plan A) and RS256 tokens of an outside identity provider (plan B).
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/external_jwt.hpp"
#include "api/jwt.hpp"
#include "auth/accounts.hpp"
#include "config/config.hpp"
#include "http/message.hpp"

namespace minutes {

class Authenticator {
 public:
  /// BadInput naming the config key when a configured key file is missing or unusable.
  static Result<std::unique_ptr<Authenticator>> Make(const Config& config, Database& db,
                                                     Accounts& accounts, const JwtIssuer& jwt);
  /// The caller, or an Unauthenticated error whose message says why (returned with 401). A
  /// login token's role is the user's current one; a token issued before the user's last
  /// password, role or enabled-state change is refused.
  Result<Principal> Authenticate(const Request& req) const;

 private:
  Authenticator(const Config& config, Database& db, Accounts& accounts, const JwtIssuer& jwt)
      : config_(config), db_(db), accounts_(accounts), jwt_(jwt) {}
  Result<Principal> FromGateway(const Request& req) const;
  /// The user `username` of tenant `tenant` (name or id), created as a member/admin on first
  /// sight; refused when it exists in another tenant or is disabled.
  Result<Principal> Provision(const std::string& username, const std::string& tenant,
                              const std::string& role) const;

  const Config& config_;
  Database& db_;
  Accounts& accounts_;
  const JwtIssuer& jwt_;
  std::unique_ptr<ExternalJwtVerifier> external_;
  /// A token's user as the database has it (role, enabled, token generation), remembered for at
  /// most a second: a demotion, disable or password change takes effect within that on every
  /// instance, and a busy server does not ask the database on every request. Empty when the
  /// user is gone; the database's error (503) when it cannot say — never "no such user".
  Result<std::optional<UserState>> CurrentState(const std::string& user_id) const;
  struct CachedState {
    std::optional<UserState> state;
    std::chrono::steady_clock::time_point read_at;
  };
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, CachedState> states_;
};

/// Whether `address` (IPv4 or IPv6 text) lies in `cidr` ("10.0.0.0/8", "::1/128").
bool InCidr(const std::string& address, const std::string& cidr);

}  // namespace minutes
