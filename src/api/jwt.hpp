#pragma once
// Access tokens: JWT signed and verified with JwsKey (api/jws.hpp) — HS256 with a secret, or
// RS256 with a key pair. Verification accepts only the configured algorithm (an HS256 token
// "signed" with the RS256 public key is refused). iat/exp are whole seconds.
#include <string>

#include "api/jws.hpp"
#include "core/status.hpp"

namespace minutes {

/// Who a token speaks for.
struct TokenClaims {
  std::string user_id, tenant_id, username, role;
  int64_t expires_at = 0;  ///< Unix seconds
  /// The user's token generation when the token was issued (claim `gen`; 0 when absent, as in
  /// tokens from before generations): a token of an older generation is refused.
  int64_t generation = 0;
};

/// Issues and checks the service's own login tokens. Thread-safe.
class JwtIssuer {
 public:
  /// HS256; `secret` must be at least 32 bytes (BadInput otherwise).
  static Result<JwtIssuer> Make(std::string secret, int ttl_seconds);
  /// RS256 with PEM key files; BadInput naming the config key when a file is missing or bad.
  static Result<JwtIssuer> MakeRs256(const std::string& private_key_file,
                                     const std::string& public_key_file, int ttl_seconds);
  /// A signed token for the claims; expires ttl seconds from `now`. Empty only when OpenSSL
  /// cannot sign (out of memory). The claims must be valid UTF-8 (other bytes are replaced, so
  /// such a token verifies with other claims; the service's ids and names are ASCII).
  std::string Issue(TokenClaims claims, int64_t now) const;
  /// The claims of a valid, unexpired token of the configured algorithm; Unauthenticated
  /// ("invalid token", "token expired") otherwise.
  Result<TokenClaims> Verify(const std::string& token, int64_t now) const;
  int ttl() const { return ttl_; }
  const std::string& algorithm() const { return algorithm_; }

 private:
  JwtIssuer(JwsKey key, int ttl) : key_(std::move(key)), algorithm_(key_.alg()), ttl_(ttl) {}
  JwsKey key_;
  std::string algorithm_;
  int ttl_;
};

/// Unix seconds now.
int64_t UnixNow();

}  // namespace minutes
