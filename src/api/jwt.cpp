#include "api/jwt.hpp"

#include <chrono>
#include <filesystem>

namespace minutes {
namespace {

using nlohmann::json;

// A claim that must be a whole number (a float is cut to its whole seconds).
bool Integer(const json& p, const char* name, int64_t* out) {
  auto it = p.find(name);
  if (it == p.end() || !it->is_number()) return false;
  if (!it->is_number_float()) {
    *out = it->get<int64_t>();
    return true;
  }
  double d = it->get<double>();
  if (!(d > -9e18 && d < 9e18)) return false;  // NaN or out of range
  *out = static_cast<int64_t>(d);
  return true;
}

// A claim read as text: a string as is, a number or boolean as written; false for anything
// else (an object, an array, null).
bool Text(const json& p, const char* name, std::string* out) {
  auto it = p.find(name);
  if (it == p.end()) return false;
  if (it->is_string())
    *out = it->get<std::string>();
  else if (it->is_number() || it->is_boolean())
    *out = it->dump();
  else
    return false;
  return true;
}

}  // namespace

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<JwtIssuer> JwtIssuer::Make(std::string secret, int ttl_seconds) {
  if (secret.size() < 32) return Status::BadInput("auth.jwt_secret: must be at least 32 bytes");
  if (ttl_seconds <= 0) return Status::BadInput("auth.jwt_ttl_s: must be positive");
  return JwtIssuer(JwsKey::Hs256(std::move(secret)), ttl_seconds);
}

Result<JwtIssuer> JwtIssuer::MakeRs256(const std::string& private_key_file,
                                       const std::string& public_key_file, int ttl_seconds) {
  if (ttl_seconds <= 0) return Status::BadInput("auth.jwt_ttl_s: must be positive");
  for (auto [key, path] : {std::pair{"auth.jwt_private_key_file", &private_key_file},
                           std::pair{"auth.jwt_public_key_file", &public_key_file}})
    if (!std::filesystem::is_regular_file(*path))
      return Status::BadInput(std::string(key) + ": no such file '" + *path + "'");
  auto key = JwsKey::Rs256FromPemFiles(private_key_file, public_key_file);
  if (!key.ok())
    return Status::BadInput("auth.jwt_private_key_file: not a usable RSA key pair (" +
                            key.status().message() + ")");
  return JwtIssuer(std::move(*key), ttl_seconds);
}

std::string JwtIssuer::Issue(TokenClaims c, int64_t now) const {
  auto token = key_.Sign({{"sub", c.user_id},
                          {"tid", c.tenant_id},
                          {"name", c.username},
                          {"role", c.role},
                          {"gen", c.generation},
                          {"iat", now},
                          {"exp", now + ttl_}});
  return token.ok() ? *token : std::string();
}

Result<TokenClaims> JwtIssuer::Verify(const std::string& jwt, int64_t now) const {
  const Status invalid = Status::Unauthenticated("invalid token");
  auto token = key_.Verify(jwt);  // refuses every algorithm but the configured one
  if (!token.ok()) return invalid;
  const json& p = token->payload;
  TokenClaims c;
  if (!Integer(p, "exp", &c.expires_at) || !Text(p, "tid", &c.tenant_id) ||
      !Text(p, "sub", &c.user_id) || c.user_id.empty())
    return invalid;
  if (!Text(p, "name", &c.username)) c.username = "";
  if (!Text(p, "role", &c.role)) c.role = "member";
  if (p.contains("gen") && !Integer(p, "gen", &c.generation)) return invalid;
  if (c.expires_at <= now) return Status::Unauthenticated("token expired");
  return c;
}

}  // namespace minutes
