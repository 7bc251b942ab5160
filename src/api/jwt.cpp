#include "api/jwt.hpp"

#include <Poco/Crypto/Crypto.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

namespace minutes {

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<JwtIssuer> JwtIssuer::Make(std::string secret, int ttl_seconds) {
  // POCO's per-digest OpenSSL initializer destroys shared mutexes when its count drops to zero,
  // racing with other threads (a crash under load): one reference held for the process's life
  // keeps the count above zero.
  static const bool crypto_ready = (Poco::Crypto::initializeCrypto(), true);
  (void)crypto_ready;
  if (secret.size() < 32) return Status::BadInput("auth.jwt_secret: must be at least 32 bytes");
  if (ttl_seconds <= 0) return Status::BadInput("auth.jwt_ttl_s: must be positive");
  return JwtIssuer(std::move(secret), ttl_seconds);
}

std::string JwtIssuer::Issue(TokenClaims c, int64_t now) const {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject(c.user_id);
  token.payload().set("tid", c.tenant_id);
  token.payload().set("name", c.username);
  token.payload().set("role", c.role);
  token.payload().set("iat", static_cast<Poco::Int64>(now));
  token.payload().set("exp", static_cast<Poco::Int64>(now + ttl_));
  Poco::JWT::Signer signer(secret_);
  return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

Result<TokenClaims> JwtIssuer::Verify(const std::string& jwt, int64_t now) const {
  const Status invalid = Status::NotFound("invalid token");
  Poco::JWT::Signer signer(secret_);  // accepts HS256 only by default
  Poco::JWT::Token token;
  try {
    if (!signer.tryVerify(jwt, token)) return invalid;
  } catch (const std::exception&) {
    return invalid;
  }
  if (token.getAlgorithm() != Poco::JWT::Signer::ALGO_HS256) return invalid;
  const auto& p = token.payload();
  if (!p.has("exp") || !p.has("tid") || token.getSubject().empty()) return invalid;
  TokenClaims c;
  try {
    c.expires_at = p.getValue<Poco::Int64>("exp");
    c.tenant_id = p.getValue<std::string>("tid");
    c.username = p.optValue<std::string>("name", "");
    c.role = p.optValue<std::string>("role", "member");
  } catch (const std::exception&) {
    return invalid;
  }
  c.user_id = token.getSubject();
  if (c.expires_at <= now) return Status::NotFound("token expired");
  return c;
}

}  // namespace minutes
