#include "api/authenticator.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <cstring>

#include "store/tenants.hpp"

namespace minutes {
namespace {

// An IPv4 or IPv6 address in the form inet_pton reads; its bytes (4 or 16) and their count.
struct Address {
  std::array<unsigned char, 16> bytes{};
  size_t size = 0;
};

bool ParseAddress(const std::string& text, Address* out) {
  if (inet_pton(AF_INET, text.c_str(), out->bytes.data()) == 1) {
    out->size = 4;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), out->bytes.data()) == 1) {
    out->size = 16;
    return true;
  }
  return false;
}

}  // namespace

bool InCidr(const std::string& address, const std::string& cidr) {
  size_t slash = cidr.find('/');
  Address net, ip;
  if (!ParseAddress(cidr.substr(0, slash), &net) || !ParseAddress(address, &ip)) return false;
  if (ip.size != net.size) {
    // An IPv4 peer may show up as ::ffff:a.b.c.d on a dual-stack socket.
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (ip.size != 16 || std::memcmp(ip.bytes.data(), kMapped, 12) != 0) return false;
    std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
    ip.size = 4;
  }
  unsigned bits = static_cast<unsigned>(net.size * 8);
  if (slash != std::string::npos) {
    std::string_view text = std::string_view(cidr).substr(slash + 1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
        bits > net.size * 8)
      return false;
  }
  for (size_t i = 0; i < net.size && bits > 0; ++i, bits = bits > 8 ? bits - 8 : 0) {
    auto mask = static_cast<unsigned char>(bits >= 8 ? 0xff : 0xff << (8 - bits));
    if ((ip.bytes[i] & mask) != (net.bytes[i] & mask)) return false;
  }
  return true;
}

Result<std::unique_ptr<Authenticator>> Authenticator::Make(const Config& config, Database& db,
                                                           Accounts& accounts,
                                                           const JwtIssuer& jwt) {
  std::unique_ptr<Authenticator> a(new Authenticator(config, db, accounts, jwt));
  auto external = ExternalJwtVerifier::Make(config.auth);
  if (!external.ok()) return external.status();
  a->external_ = std::move(*external);
  return a;
}

Result<Principal> Authenticator::Provision(const std::string& username, const std::string& tenant,
                                           const std::string& role) const {
  auto user = FindUserByName(db_, username);
  if (!user.ok()) return user.status();
  if (!*user) {
    auto password = RandomHex(32);  // never used: these users sign in through the gateway/IdP
    if (!password.ok()) return password.status();
    auto tenant_name = FindTenantName(db_, tenant);
    std::string name = tenant_name.ok() && *tenant_name ? **tenant_name : tenant;
    auto made = accounts_.AddUser(username, name, *password, role == "admin");
    // AlreadyExists: another request may have provisioned it at the same moment.
    if (!made.ok() && made.status().kind() != ErrorKind::kAlreadyExists)
      return Status::Unauthenticated("cannot provision user '" + username +
                                     "': " + made.status().message());
    user = FindUserByName(db_, username);
    if (!user.ok() || !*user) return Status::Unauthenticated("cannot provision " + username);
  }
  const UserSignIn& u = **user;
  if (u.tenant_id != tenant && u.tenant_name != tenant)
    return Status::Unauthenticated("user '" + username + "' belongs to another tenant");
  if (u.disabled) return Status::Unauthenticated("user '" + username + "' is disabled");
  std::string effective = role.empty() ? u.role : role;
  return Principal{u.user_id, u.tenant_id, username, effective};
}

Result<Principal> Authenticator::FromGateway(const Request& req) const {
  const auto& a = config_.auth;
  bool trusted = false;
  for (const auto& cidr : a.gateway_cidrs) trusted |= InCidr(req.peer_address, cidr);
  std::string secret = req.header("X-Gateway-Secret");
  if (!trusted && !a.gateway_secret.empty() && secret.size() == a.gateway_secret.size())
    trusted = CRYPTO_memcmp(secret.data(), a.gateway_secret.data(), secret.size()) == 0;
  if (!trusted)
    return Status::Unauthenticated("gateway headers are accepted only from a trusted proxy");
  std::string user = req.header("X-User-ID"), tenant = req.header("X-Tenant-ID");
  std::string role = req.header("X-User-Role");
  if (user.empty() || tenant.empty())
    return Status::Unauthenticated("gateway requests need both X-User-ID and X-Tenant-ID");
  if (!role.empty() && role != "admin" && role != "member")
    return Status::Unauthenticated("X-User-Role must be admin or member");
  return Provision(user, tenant, role);
}

Result<std::optional<UserState>> Authenticator::CurrentState(const std::string& user_id) const {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = states_.find(user_id);
    if (it != states_.end() && now - it->second.read_at < std::chrono::seconds(1))
      return it->second.state;
  }
  auto read = accounts_.State(user_id);
  std::optional<UserState> state;
  if (read.ok()) state = std::move(*read);
  // A database hiccup is not remembered (the next request asks again), and is not an answer:
  // the request fails with it (503) rather than as if the user were gone (401 — a client would
  // drop its token).
  if (!read.ok() && read.status().kind() != ErrorKind::kNotFound) return read.status();
  std::lock_guard lock(mu_);
  if (states_.size() > 100000) states_.clear();  // bounded: one entry per active user
  states_[user_id] = {state, now};
  return state;
}

Result<Principal> Authenticator::Authenticate(const Request& req) const {
  // Gateway headers are never ignored: from an untrusted peer they are an error, not a hint.
  if (!req.header("X-User-ID").empty() || !req.header("X-Tenant-ID").empty())
    return FromGateway(req);
  std::string h = req.header("Authorization");
  const std::string kBearer = "Bearer ";
  if (h.rfind(kBearer, 0) != 0)
    return Status::Unauthenticated("authentication required: send Authorization: Bearer <token>");
  std::string cred = h.substr(kBearer.size());
  if (cred.rfind(config_.auth.api_key_prefix, 0) == 0) {
    auto u = accounts_.AuthenticateApiKey(cred);
    if (!u.ok() && u.status().kind() == ErrorKind::kUnavailable) return u.status();
    if (!u.ok()) return Status::Unauthenticated("invalid API key");
    return Principal{u->id, u->tenant_id, u->username, u->role};
  }
  int64_t now = UnixNow();
  auto c = jwt_.Verify(cred, now);
  if (c.ok()) {
    // Tokens outlive no change: a user disabled, demoted or re-passworded since the token was
    // issued is refused (the generation moved on), and the role is the one the user has now.
    auto read = CurrentState(c->user_id);
    if (!read.ok()) return read.status();
    const std::optional<UserState>& state = *read;
    if (!state) return Status::Unauthenticated("the token's user no longer exists");
    if (state->disabled) return Status::Unauthenticated("the account is disabled");
    if (state->token_generation != c->generation)
      return Status::Unauthenticated(
          "the token was revoked by a change to the account (password, role or status); sign "
          "in again");
    return Principal{c->user_id, c->tenant_id, c->username, state->role};
  }
  if (external_) {
    auto e = external_->Verify(cred, now);
    if (e.ok()) return Provision(e->subject, e->tenant, e->role == "admin" ? "admin" : "member");
    // Not the provider's token (kNotFound): the service's own verifier's answer stands.
    if (e.status().kind() != ErrorKind::kNotFound) return e.status();
  }
  return c.status();
}

}  // namespace minutes
