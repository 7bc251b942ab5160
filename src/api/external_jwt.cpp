#include "api/external_jwt.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace minutes {
namespace {

using nlohmann::json;

// A string member of a JSON object, or `fallback` when absent or of another type (json::value
// throws for another type, and these objects come from outside).
std::string StringMember(const json& j, const char* name, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A claim read as text: a string as is, a number or boolean as written, `fallback` when absent;
// nullopt for anything else (an object, an array, null).
std::optional<std::string> ClaimText(const json& p, const std::string& name, std::string fallback) {
  auto it = p.find(name);
  if (it == p.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return std::nullopt;
}

// "aud": one string or an array of strings (RFC 7519 §4.1.3).
std::vector<std::string> Audience(const json& p) {
  std::vector<std::string> out;
  auto it = p.find("aud");
  if (it == p.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());
  if (it->is_array())
    for (const auto& a : *it)
      if (a.is_string()) out.push_back(a.get<std::string>());
  return out;
}

}  // namespace

Result<std::unique_ptr<ExternalJwtVerifier>> ExternalJwtVerifier::Make(const AuthConfig& auth) {
  if (auth.external_jwt_public_key_file.empty() && auth.external_jwt_jwks_file.empty())
    return std::unique_ptr<ExternalJwtVerifier>();
  std::unique_ptr<ExternalJwtVerifier> v(new ExternalJwtVerifier);
  v->auth_ = auth;
  if (const auto& pem = auth.external_jwt_public_key_file; !pem.empty()) {
    auto key = JwsKey::Rs256FromPublicPemFile(pem);
    if (!key.ok())
      return Status::BadInput(
          "auth.external_jwt_public_key_file: cannot read an RSA public key "
          "from '" +
          pem + "': " + key.status().message());
    v->by_kid_.insert_or_assign("", std::move(*key));
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
  auto jwks = json::parse(text, nullptr, false);
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
    return Status::BadInput(what + " is not a JWKS file ({\"keys\": [...]})");
  for (const auto& k : jwks["keys"]) {
    if (!k.is_object()) return Status::BadInput(what + ": a key that is not a JSON object");
    if (StringMember(k, "use", "sig") != "sig") continue;
    std::string kid = StringMember(k, "kid", "");
    auto key = JwsKey::Rs256FromJwk(k);  // RS256 only; moduli under 2048 bits refused
    if (!key.ok()) return Status::BadInput(what + ": key '" + kid + "': " + key.status().message());
    by_kid_.insert_or_assign(kid, std::move(*key));
  }
  return Status::Ok();
}

Result<ExternalClaims> ExternalJwtVerifier::Verify(const std::string& jwt, int64_t now) const {
  const Status invalid = Status::NotFound("invalid token");
  // Header and payload are decoded without exceptions (a bad base64url header once made the
  // stream decoder used before throw out of Verify: tests/fuzz/jwt_fuzz/regress-bad-base64-leak).
  auto header = PeekJwsHeader(jwt);
  if (!header.ok()) return invalid;
  if (StringMember(*header, "alg", "") != "RS256") return invalid;
  auto it = by_kid_.find(StringMember(*header, "kid", ""));
  if (it == by_kid_.end()) it = by_kid_.find("");  // a PEM key signs tokens without kid
  if (it == by_kid_.end()) return invalid;
  auto token = it->second.Verify(jwt);  // RS256 only
  if (!token.ok()) return invalid;
  const json& p = token->payload;
  auto exp = p.find("exp");
  if (exp == p.end() || !exp->is_number() || exp->get<double>() <= static_cast<double>(now))
    return Status::Unauthenticated("token expired");
  if (!auth_.external_jwt_issuer.empty() &&
      ClaimText(p, "iss", "").value_or("") != auth_.external_jwt_issuer)
    return Status::Unauthenticated("token from another issuer");
  if (!auth_.external_jwt_audience.empty()) {
    auto aud = Audience(p);
    if (std::find(aud.begin(), aud.end(), auth_.external_jwt_audience) == aud.end())
      return Status::Unauthenticated("token for another audience");
  }
  auto subject = ClaimText(p, "sub", ""),
       tenant = ClaimText(p, auth_.external_jwt_tenant_claim, ""),
       role = ClaimText(p, auth_.external_jwt_role_claim, "member");
  if (!subject || !tenant || !role)
    return Status::Unauthenticated("token's sub, tenant or role claim is not a string");
  ExternalClaims c{*subject, *tenant, *role};
  if (c.subject.empty() || c.tenant.empty())
    return Status::Unauthenticated("token lacks sub/tenant");
  return c;
}

}  // namespace minutes
