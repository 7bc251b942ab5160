#pragma once
// Access tokens: JWT signed and verified with Poco::JWT — HS256 with a secret, or RS256 with a
// key pair. Verification accepts only the configured algorithm (an HS256 token "signed" with
// the RS256 public key is refused). Expiry is checked here (Poco does not) and whole-second
// iat/exp written here (Poco writes fractions).
#include <memory>
#include <string>

#include "core/status.hpp"

namespace Poco::JWT {
class Signer;
}

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
  /// A signed token for the claims; expires ttl seconds from `now`. The claims must be valid
  /// UTF-8 (a token with other bytes does not verify; the service's ids and names are ASCII).
  std::string Issue(TokenClaims claims, int64_t now) const;
  /// The claims of a valid, unexpired token of the configured algorithm; Unauthenticated
  /// ("invalid token", "token expired") otherwise.
  Result<TokenClaims> Verify(const std::string& token, int64_t now) const;
  int ttl() const { return ttl_; }
  const std::string& algorithm() const { return algorithm_; }

 private:
  JwtIssuer(std::shared_ptr<Poco::JWT::Signer> signer, std::string algorithm, int ttl)
      : signer_(std::move(signer)), algorithm_(std::move(algorithm)), ttl_(ttl) {}
  std::shared_ptr<Poco::JWT::Signer> signer_;
  std::string algorithm_;
  int ttl_;
};

/// Unix seconds now.
int64_t UnixNow();

}  // namespace minutes
