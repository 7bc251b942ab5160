#pragma once
// Tokens from an outside identity provider (seed 004 plan B): RS256 only, verified with a PEM
// public key or the keys of a JWKS file (chosen by `kid`), with iss/aud/exp checked.
#include <map>
#include <memory>
#include <string>

#include "api/jws.hpp"
#include "config/config.hpp"
#include "core/status.hpp"

namespace minutes {

struct ExternalClaims {
  std::string subject, tenant, role;
};

class ExternalJwtVerifier {
 public:
  /// nullptr when no external key is configured; BadInput naming the key for a bad file.
  static Result<std::unique_ptr<ExternalJwtVerifier>> Make(const AuthConfig& auth);
  /// A verifier for the keys of a JWKS document's text (what Make does with
  /// auth.external_jwt_jwks_file): BadInput naming the key that is not a usable RS256 key.
  static Result<std::unique_ptr<ExternalJwtVerifier>> FromJwks(const std::string& jwks,
                                                               const AuthConfig& auth);
  /// The mapped claims of a valid token. Otherwise kNotFound when the token is not one this
  /// verifier can check (not RS256, unknown key, bad signature: it may be the service's own), or
  /// kUnauthenticated with the reason when it is the provider's but refused (expired, another
  /// issuer or audience, claims missing).
  Result<ExternalClaims> Verify(const std::string& token, int64_t now) const;

 private:
  Status AddJwks(const std::string& jwks, const std::string& what);
  std::map<std::string, JwsKey> by_kid_;  ///< "" = the PEM key
  AuthConfig auth_;
};

}  // namespace minutes
