#include "api/authenticator.hpp"

#include <Poco/Net/IPAddress.h>
#include <openssl/crypto.h>

namespace minutes {

bool InCidr(const std::string& address, const std::string& cidr) {
  try {
    size_t slash = cidr.find('/');
    Poco::Net::IPAddress net(cidr.substr(0, slash));
    Poco::Net::IPAddress ip(address);
    if (ip.family() != net.family()) {
      // An IPv4 peer may show up as ::ffff:a.b.c.d on a dual-stack socket.
      if (ip.family() == Poco::Net::IPAddress::IPv6 && ip.isIPv4Mapped())
        ip = Poco::Net::IPAddress(address.substr(address.rfind(':') + 1));
      else
        return false;
    }
    unsigned bits = slash == std::string::npos
                        ? (net.length() * 8)
                        : static_cast<unsigned>(std::stoi(cidr.substr(slash + 1)));
    Poco::Net::IPAddress mask(bits, net.family());
    return (ip & mask) == (net & mask);
  } catch (const std::exception&) {
    return false;
  }
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
  auto find = [&] {
    return db_.Query(
        "SELECT u.id, u.tenant_id, t.name, u.role, u.disabled FROM users u JOIN tenants t ON "
        "t.id = u.tenant_id WHERE u.username = ?",
        {username});
  };
  auto rows = find();
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    auto password = RandomHex(32);  // never used: these users sign in through the gateway/IdP
    if (!password.ok()) return password.status();
    auto tenant_name = db_.Query("SELECT name FROM tenants WHERE id = ?", {tenant});
    std::string name =
        tenant_name.ok() && !tenant_name->empty() ? AsString((*tenant_name)[0][0]) : tenant;
    auto made = accounts_.AddUser(username, name, *password, role == "admin");
    if (!made.ok() && made.status().message().find("taken") == std::string::npos)
      return Status::NotFound("cannot provision user '" + username +
                              "': " + made.status().message());
    rows = find();  // another request may have provisioned it at the same moment
    if (!rows.ok() || rows->empty()) return Status::NotFound("cannot provision " + username);
  }
  const DbRow& u = (*rows)[0];
  if (AsString(u[1]) != tenant && AsString(u[2]) != tenant)
    return Status::NotFound("user '" + username + "' belongs to another tenant");
  if (AsInt(u[4]) != 0) return Status::NotFound("user '" + username + "' is disabled");
  std::string effective = role.empty() ? AsString(u[3]) : role;
  return Principal{AsString(u[0]), AsString(u[1]), username, effective};
}

Result<Principal> Authenticator::FromGateway(const Request& req) const {
  const auto& a = config_.auth;
  bool trusted = false;
  for (const auto& cidr : a.gateway_cidrs) trusted |= InCidr(req.peer_address, cidr);
  std::string secret = req.header("X-Gateway-Secret");
  if (!trusted && !a.gateway_secret.empty() && secret.size() == a.gateway_secret.size())
    trusted = CRYPTO_memcmp(secret.data(), a.gateway_secret.data(), secret.size()) == 0;
  if (!trusted) return Status::NotFound("gateway headers are accepted only from a trusted proxy");
  std::string user = req.header("X-User-ID"), tenant = req.header("X-Tenant-ID");
  std::string role = req.header("X-User-Role");
  if (user.empty() || tenant.empty())
    return Status::NotFound("gateway requests need both X-User-ID and X-Tenant-ID");
  if (!role.empty() && role != "admin" && role != "member")
    return Status::NotFound("X-User-Role must be admin or member");
  return Provision(user, tenant, role);
}

bool Authenticator::StillEnabled(const std::string& user_id) const {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = enabled_.find(user_id);
    if (it != enabled_.end() && now - it->second.second < std::chrono::seconds(1))
      return it->second.first;
  }
  auto rows = db_.Query("SELECT disabled FROM users WHERE id = ?", {user_id});
  bool enabled = rows.ok() && !rows->empty() && AsInt((*rows)[0][0]) == 0;
  std::lock_guard lock(mu_);
  if (enabled_.size() > 100000) enabled_.clear();  // bounded: one entry per active user
  enabled_[user_id] = {enabled, now};
  return enabled;
}

Result<Principal> Authenticator::Authenticate(const Request& req) const {
  // Gateway headers are never ignored: from an untrusted peer they are an error, not a hint.
  if (!req.header("X-User-ID").empty() || !req.header("X-Tenant-ID").empty())
    return FromGateway(req);
  std::string h = req.header("Authorization");
  const std::string kBearer = "Bearer ";
  if (h.rfind(kBearer, 0) != 0)
    return Status::NotFound("authentication required: send Authorization: Bearer <token>");
  std::string cred = h.substr(kBearer.size());
  if (cred.rfind(config_.auth.api_key_prefix, 0) == 0) {
    auto u = accounts_.AuthenticateApiKey(cred);
    if (!u.ok()) return Status::NotFound("invalid API key");
    return Principal{u->id, u->tenant_id, u->username, u->role};
  }
  int64_t now = UnixNow();
  auto c = jwt_.Verify(cred, now);
  if (c.ok()) {
    // Tokens outlive nothing: a user disabled since the token was issued is refused.
    if (!StillEnabled(c->user_id)) return Status::NotFound("the account is disabled");
    return Principal{c->user_id, c->tenant_id, c->username, c->role};
  }
  if (external_) {
    auto e = external_->Verify(cred, now);
    if (e.ok()) return Provision(e->subject, e->tenant, e->role == "admin" ? "admin" : "member");
    if (e.status().message() != "invalid token") return e.status();
  }
  return c.status();
}

}  // namespace minutes
