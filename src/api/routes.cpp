#include "api/routes.hpp"

#include <chrono>

namespace minutes {

Result<nlohmann::json> ReadJsonBody(Request& req, size_t max_bytes) {
  std::string body;
  if (req.body) {
    char buf[8192];
    while (req.body->read(buf, sizeof buf) || req.body->gcount() > 0) {
      body.append(buf, static_cast<size_t>(req.body->gcount()));
      if (body.size() > max_bytes) return Status::BadInput("body too large");
    }
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return Status::BadInput("invalid JSON body");
  if (!j.is_object()) return Status::BadInput("expected a JSON object");
  return j;
}

void AddRoutes(Router& r, RouteDeps d) {
  r.Add("GET", "/health", false, [](Request&, Response& res) {
    res.Json(200, {{"status", "ok"}});
  });

  r.Add("GET", "/health/ready", false, [d](Request&, Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    auto rows = d.db.Query("SELECT count(*) FROM schema_migrations");
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json db = {{"status", rows.ok() ? "ok" : "error"}, {"latency_ms", ms}};
    if (!rows.ok()) db["error"] = rows.status().message();
    res.Json(rows.ok() ? 200 : 503,
             {{"status", rows.ok() ? "ok" : "error"}, {"components", {{"database", db}}}});
  });

  r.Add("POST", "/api/v1/auth/login", false, [d](Request& req, Response& res) {
    auto body = ReadJsonBody(req);
    if (!body.ok()) return SetError(res, body.status(), req.request_id);
    if (!body->contains("username") || !(*body)["username"].is_string() ||
        !body->contains("password") || !(*body)["password"].is_string())
      return SetError(res, 400, "", "username and password (strings) are required", req.request_id);
    auto user = d.accounts.Login((*body)["username"], (*body)["password"]);
    if (!user.ok()) {
      if (user.status().kind() == ErrorKind::kNotFound)
        return SetError(res, 401, "", "wrong username or password", req.request_id);
      return SetError(res, user.status(), req.request_id);
    }
    std::string token =
        d.jwt.Issue({user->id, user->tenant_id, user->username, user->role, 0}, UnixNow());
    res.Json(200, {{"access_token", token}, {"token_type", "bearer"}, {"expires_in", d.jwt.ttl()}});
  });

  r.Add("GET", "/api/v1/me", true, [](Request& req, Response& res) {
    const Principal& p = *req.principal;
    res.Json(200, {{"id", p.user_id},
                   {"username", p.username},
                   {"tenant_id", p.tenant_id},
                   {"role", p.role}});
  });
}

}  // namespace minutes
