#pragma once
// Access tokens: JWT HS256 signed and verified with Poco::JWT, expiry checked here (Poco
// does not) and whole-second iat/exp written here (Poco writes fractions).
#include <chrono>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// Who a token speaks for.
struct TokenClaims {
  std::string user_id, tenant_id, username, role;
  int64_t expires_at = 0;  ///< Unix seconds
};

/// Issues and checks HS256 tokens with one secret. Thread-safe.
class JwtIssuer {
 public:
  /// `secret` must be at least 32 bytes (BadInput otherwise, checked by Make).
  static Result<JwtIssuer> Make(std::string secret, int ttl_seconds);
  /// A signed token for the claims; expires ttl seconds from `now`.
  std::string Issue(TokenClaims claims, int64_t now) const;
  /// The claims of a valid, unexpired HS256 token; NotFound-kind error ("invalid token",
  /// "token expired") otherwise. Tokens with another algorithm ("none", RS256…) are refused.
  Result<TokenClaims> Verify(const std::string& token, int64_t now) const;
  int ttl() const { return ttl_; }

 private:
  JwtIssuer(std::string secret, int ttl) : secret_(std::move(secret)), ttl_(ttl) {}
  std::string secret_;
  int ttl_;
};

/// Unix seconds now.
int64_t UnixNow();

}  // namespace minutes
