#pragma once
// JSON Web Signatures in compact form (RFC 7515) for the service's tokens: HS256 and RS256
// signed and verified with OpenSSL's EVP interface, headers and payloads read with nlohmann.
// The one wrapper of OpenSSL keys for tokens (JwsKey owns its EVP_PKEY).
//
// Written here rather than with Debian's libjwt 1.10: it cannot read a token's header before
// verifying it (kid selection), refuses any "typ" but "JWT" (identity providers send "at+jwt",
// RFC 9068), compares HMACs with strcmp, and adds three shared libraries to start-up.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace minutes {

/// A decoded token whose signature has been checked.
struct JwsToken {
  nlohmann::json header;   ///< an object
  nlohmann::json payload;  ///< an object
};

/// One key of one algorithm: an HS256 secret, or an RSA key for RS256 (a public key verifies;
/// a key pair also signs). Immutable, cheap to copy (the key is shared), thread-safe.
class JwsKey {
 public:
  /// HS256 with `secret` (any length; callers set their own minimum).
  static JwsKey Hs256(std::string secret);
  /// RS256 with a key pair from PEM files (PKCS#8 or PKCS#1 private key, SubjectPublicKeyInfo
  /// or PKCS#1 public key, no passphrase). BadInput saying which file is unreadable or not an
  /// RSA key, or that the two keys do not belong together.
  static Result<JwsKey> Rs256FromPemFiles(const std::string& private_key_file,
                                          const std::string& public_key_file);
  /// RS256 verification with the RSA public key in a PEM file; BadInput as above.
  static Result<JwsKey> Rs256FromPublicPemFile(const std::string& public_key_file);
  /// RS256 verification with an RSA JWK (RFC 7517/7518 §6.3: kty "RSA", base64url n and e);
  /// BadInput saying what is missing or malformed, or that the modulus is shorter than 2048
  /// bits. Never throws, whatever the JSON holds.
  static Result<JwsKey> Rs256FromJwk(const nlohmann::json& jwk);

  /// "HS256" or "RS256".
  const char* alg() const;

  /// The compact serialization of `payload` with header {"alg": alg(), "typ": "JWT"};
  /// Internal when OpenSSL fails (or this RS256 key has no private part).
  Result<std::string> Sign(const nlohmann::json& payload) const;

  /// The token's header and payload when `token` is a compact JWS whose header names exactly
  /// this key's algorithm and whose signature this key verifies (HMACs compared in constant
  /// time). Unauthenticated saying what was wrong otherwise — malformed, another algorithm
  /// (so "none" and an HS256 token keyed with an RS256 public key are refused), bad signature.
  /// Claims (exp, iss, …) are the caller's to check.
  Result<JwsToken> Verify(std::string_view token) const;

 private:
  JwsKey() = default;
  bool rsa_ = false;
  std::string secret_;             // HS256
  std::shared_ptr<EVP_PKEY> key_;  // RS256
};

/// The decoded header of a compact JWS, its signature not checked: for choosing the key (kid)
/// before verifying. Unauthenticated when it is not a JWS with a JSON object header.
Result<nlohmann::json> PeekJwsHeader(std::string_view token);

}  // namespace minutes
