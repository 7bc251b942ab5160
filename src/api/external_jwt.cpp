#include "api/external_jwt.hpp"

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/text.hpp"

namespace minutes {
namespace {

// The bytes of a base64url text; "" when it is not base64url. (Poco::Base64Decoder, used here
// before, threw out of Verify on a bad character, and the string being built from its stream
// leaked: found by jwt_fuzz.)
std::string Base64Url(std::string_view s) { return DecodeBase64(s).value_or(std::string()); }

std::shared_ptr<Poco::JWT::Signer> Rs256Signer(const Poco::SharedPtr<Poco::Crypto::RSAKey>& key) {
  auto s = std::make_shared<Poco::JWT::Signer>(key);
  s->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  return s;
}

// A string member of a JSON object, or `fallback` when absent or of another type (json::value
// throws for another type, and these objects come from outside).
std::string StringMember(const nlohmann::json& j, const char* name, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// An RSA public key from a JWK's modulus and exponent (base64url big-endian integers).
Result<Poco::SharedPtr<Poco::Crypto::RSAKey>> FromJwk(const nlohmann::json& k) {
  std::string n = Base64Url(StringMember(k, "n", "")), e = Base64Url(StringMember(k, "e", ""));
  if (StringMember(k, "kty", "") != "RSA" || n.empty() || e.empty())
    return Status::BadInput("not an RSA key with n and e");
  // A short modulus can be factored: such a key would let anyone sign (NIST: at least 2048).
  if (n.size() < 256) return Status::BadInput("the RSA modulus is shorter than 2048 bits");
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                         static_cast<int>(n.size()), nullptr);
  BIGNUM* be = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                         static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx) > 0 &&
            EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn);
  BN_free(be);
  if (!ok) return Status::BadInput("cannot build an RSA key from n and e");
  Poco::SharedPtr<Poco::Crypto::RSAKey> key = new Poco::Crypto::RSAKey(Poco::Crypto::EVPPKey(pkey));
  EVP_PKEY_free(pkey);
  return key;
}

}  // namespace

Result<std::unique_ptr<ExternalJwtVerifier>> ExternalJwtVerifier::Make(const AuthConfig& auth) {
  if (auth.external_jwt_public_key_file.empty() && auth.external_jwt_jwks_file.empty())
    return std::unique_ptr<ExternalJwtVerifier>();
  std::unique_ptr<ExternalJwtVerifier> v(new ExternalJwtVerifier);
  v->auth_ = auth;
  if (const auto& pem = auth.external_jwt_public_key_file; !pem.empty()) {
    try {
      Poco::SharedPtr<Poco::Crypto::RSAKey> key = new Poco::Crypto::RSAKey(pem, "", "");
      v->by_kid_[""] = Rs256Signer(key);
    } catch (const Poco::Exception& e) {
      return Status::BadInput(
          "auth.external_jwt_public_key_file: cannot read an RSA public key "
          "from '" +
          pem + "': " + e.displayText());
    }
  }
  if (const auto& path = auth.external_jwt_jwks_file; !path.empty()) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (!in.is_open())
      return Status::BadInput("auth.external_jwt_jwks_file: cannot read '" + path + "'");
    if (Status s = v->AddJwks(text, "auth.external_jwt_jwks_file: '" + path + "'"); !s.ok())
      return s;
  }
  return v;
}

Result<std::unique_ptr<ExternalJwtVerifier>> ExternalJwtVerifier::FromJwks(const std::string& jwks,
                                                                           const AuthConfig& auth) {
  std::unique_ptr<ExternalJwtVerifier> v(new ExternalJwtVerifier);
  v->auth_ = auth;
  if (Status s = v->AddJwks(jwks, "the JWKS"); !s.ok()) return s;
  return v;
}

Status ExternalJwtVerifier::AddJwks(const std::string& text, const std::string& what) {
  auto jwks = nlohmann::json::parse(text, nullptr, false);
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
    return Status::BadInput(what + " is not a JWKS file ({\"keys\": [...]})");
  for (const auto& k : jwks["keys"]) {
    if (!k.is_object()) return Status::BadInput(what + ": a key that is not a JSON object");
    if (StringMember(k, "use", "sig") != "sig") continue;
    std::string kid = StringMember(k, "kid", "");
    auto key = FromJwk(k);
    if (!key.ok()) return Status::BadInput(what + ": key '" + kid + "': " + key.status().message());
    by_kid_[kid] = Rs256Signer(*key);
  }
  return Status::Ok();
}

Result<ExternalClaims> ExternalJwtVerifier::Verify(const std::string& jwt, int64_t now) const {
  const Status invalid = Status::NotFound("invalid token");
  size_t dot = jwt.find('.');
  if (dot == std::string::npos) return invalid;
  auto header =
      nlohmann::json::parse(Base64Url(std::string_view(jwt).substr(0, dot)), nullptr, false);
  if (StringMember(header, "alg", "") != "RS256") return invalid;
  std::string kid = StringMember(header, "kid", "");
  auto it = by_kid_.find(kid);
  if (it == by_kid_.end()) it = by_kid_.find("");  // a PEM key signs tokens without kid
  if (it == by_kid_.end()) return invalid;
  Poco::JWT::Token token;
  try {
    if (!it->second->tryVerify(jwt, token)) return invalid;
  } catch (const std::exception&) {
    return invalid;
  }
  if (token.getAlgorithm() != Poco::JWT::Signer::ALGO_RS256) return invalid;
  const auto& p = token.payload();
  try {
    if (!p.has("exp") || p.getValue<Poco::Int64>("exp") <= now)
      return Status::NotFound("token expired");
    if (!auth_.external_jwt_issuer.empty() &&
        p.optValue<std::string>("iss", "") != auth_.external_jwt_issuer)
      return Status::NotFound("token from another issuer");
    if (!auth_.external_jwt_audience.empty()) {
      auto aud = token.getAudience();
      if (std::find(aud.begin(), aud.end(), auth_.external_jwt_audience) == aud.end())
        return Status::NotFound("token for another audience");
    }
    ExternalClaims c{token.getSubject(),
                     p.optValue<std::string>(auth_.external_jwt_tenant_claim, ""),
                     p.optValue<std::string>(auth_.external_jwt_role_claim, "member")};
    if (c.subject.empty() || c.tenant.empty()) return Status::NotFound("token lacks sub/tenant");
    return c;
  } catch (const std::exception&) {
    return invalid;
  }
}

}  // namespace minutes
