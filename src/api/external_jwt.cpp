#include "api/external_jwt.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace minutes {
namespace {

std::string Base64Url(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  std::istringstream in(s);
  Poco::Base64Decoder dec(in);
  return std::string(std::istreambuf_iterator<char>(dec), {});
}

std::shared_ptr<Poco::JWT::Signer> Rs256Signer(const Poco::SharedPtr<Poco::Crypto::RSAKey>& key) {
  auto s = std::make_shared<Poco::JWT::Signer>(key);
  s->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
  return s;
}

// An RSA public key from a JWK's modulus and exponent (base64url big-endian integers).
Result<Poco::SharedPtr<Poco::Crypto::RSAKey>> FromJwk(const nlohmann::json& k) {
  if (k.value("kty", "") != "RSA" || !k.contains("n") || !k.contains("e"))
    return Status::BadInput("not an RSA key with n and e");
  std::string n = Base64Url(k["n"]), e = Base64Url(k["e"]);
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
    auto jwks = nlohmann::json::parse(in, nullptr, false);
    if (!in.is_open() || jwks.is_discarded() || !jwks.contains("keys") || !jwks["keys"].is_array())
      return Status::BadInput("auth.external_jwt_jwks_file: '" + path +
                              "' is not a JWKS file ({\"keys\": [...]})");
    for (const auto& k : jwks["keys"]) {
      if (k.value("use", "sig") != "sig") continue;
      auto key = FromJwk(k);
      if (!key.ok())
        return Status::BadInput("auth.external_jwt_jwks_file: key '" + k.value("kid", "") +
                                "': " + key.status().message());
      v->by_kid_[k.value("kid", "")] = Rs256Signer(*key);
    }
  }
  return v;
}

Result<ExternalClaims> ExternalJwtVerifier::Verify(const std::string& jwt, int64_t now) const {
  const Status invalid = Status::NotFound("invalid token");
  size_t dot = jwt.find('.');
  if (dot == std::string::npos) return invalid;
  auto header = nlohmann::json::parse(Base64Url(jwt.substr(0, dot)), nullptr, false);
  if (!header.is_object() || header.value("alg", "") != "RS256") return invalid;
  std::string kid = header.value("kid", "");
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
