#include "api/jwt.hpp"

#include <Poco/Crypto/Crypto.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <chrono>
#include <filesystem>
#include <mutex>

namespace minutes {
namespace {

// POCO's per-digest OpenSSL initializer destroys shared mutexes when its count drops to zero,
// racing with other threads (a crash under load): one reference held for the process's life
// keeps the count above zero.
void HoldCrypto() {
  static const bool ready = (Poco::Crypto::initializeCrypto(), true);
  (void)ready;
}

}  // namespace

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<JwtIssuer> JwtIssuer::Make(std::string secret, int ttl_seconds) {
  HoldCrypto();
  if (secret.size() < 32) return Status::BadInput("auth.jwt_secret: must be at least 32 bytes");
  if (ttl_seconds <= 0) return Status::BadInput("auth.jwt_ttl_s: must be positive");
  auto signer = std::make_shared<Poco::JWT::Signer>(secret);  // accepts HS256 only
  return JwtIssuer(signer, Poco::JWT::Signer::ALGO_HS256, ttl_seconds);
}

Result<JwtIssuer> JwtIssuer::MakeRs256(const std::string& private_key_file,
                                       const std::string& public_key_file, int ttl_seconds) {
  HoldCrypto();
  if (ttl_seconds <= 0) return Status::BadInput("auth.jwt_ttl_s: must be positive");
  for (auto [key, path] : {std::pair{"auth.jwt_private_key_file", &private_key_file},
                           std::pair{"auth.jwt_public_key_file", &public_key_file}})
    if (!std::filesystem::is_regular_file(*path))
      return Status::BadInput(std::string(key) + ": no such file '" + *path + "'");
  try {
    Poco::SharedPtr<Poco::Crypto::RSAKey> key =
        new Poco::Crypto::RSAKey(public_key_file, private_key_file, "");
    auto signer = std::make_shared<Poco::JWT::Signer>(key);
    signer->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});  // nothing else verifies
    return JwtIssuer(signer, Poco::JWT::Signer::ALGO_RS256, ttl_seconds);
  } catch (const Poco::Exception& e) {
    return Status::BadInput("auth.jwt_private_key_file: not a usable RSA key pair (" +
                            e.displayText() + ")");
  }
}

std::string JwtIssuer::Issue(TokenClaims c, int64_t now) const {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject(c.user_id);
  token.payload().set("tid", c.tenant_id);
  token.payload().set("name", c.username);
  token.payload().set("role", c.role);
  token.payload().set("gen", static_cast<Poco::Int64>(c.generation));
  token.payload().set("iat", static_cast<Poco::Int64>(now));
  token.payload().set("exp", static_cast<Poco::Int64>(now + ttl_));
  return signer_->sign(token, algorithm_);
}

Result<TokenClaims> JwtIssuer::Verify(const std::string& jwt, int64_t now) const {
  const Status invalid = Status::Unauthenticated("invalid token");
  Poco::JWT::Token token;
  try {
    if (!signer_->tryVerify(jwt, token)) return invalid;
  } catch (const std::exception&) {
    return invalid;
  }
  if (token.getAlgorithm() != algorithm_) return invalid;
  const auto& p = token.payload();
  if (!p.has("exp") || !p.has("tid") || token.getSubject().empty()) return invalid;
  TokenClaims c;
  try {
    c.expires_at = p.getValue<Poco::Int64>("exp");
    c.tenant_id = p.getValue<std::string>("tid");
    c.username = p.optValue<std::string>("name", "");
    c.role = p.optValue<std::string>("role", "member");
    c.generation = p.has("gen") ? p.getValue<Poco::Int64>("gen") : 0;
  } catch (const std::exception&) {
    return invalid;
  }
  c.user_id = token.getSubject();
  if (c.expires_at <= now) return Status::Unauthenticated("token expired");
  return c;
}

}  // namespace minutes
