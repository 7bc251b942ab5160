// POST /api/v1/auth/login and GET /api/v1/me.
#include "api/routes.hpp"

namespace minutes {

void AddAuthRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("POST", "/api/v1/auth/login", false, [d](Request& req, Response& res) {
    auto body = ReadJsonBody(req);
    if (!body.ok()) return SetError(res, body.status(), req.request_id);
    if (!body->contains("username") || !(*body)["username"].is_string() ||
        !body->contains("password") || !(*body)["password"].is_string())
      return SetError(res, 400, "", "username and password (strings) are required", req.request_id);
    auto user = d->accounts.Login((*body)["username"], (*body)["password"]);
    if (!user.ok()) {
      if (user.status().kind() == ErrorKind::kNotFound)
        return SetError(res, 401, "", "wrong username or password", req.request_id);
      return SetError(res, user.status(), req.request_id);
    }
    std::string token =
        d->jwt.Issue({user->id, user->tenant_id, user->username, user->role, 0}, UnixNow());
    res.Json(200,
             {{"access_token", token}, {"token_type", "bearer"}, {"expires_in", d->jwt.ttl()}});
  });

  r.Add("GET", "/api/v1/me", true, [d](Request& req, Response& res) {
    const Principal& p = *req.principal;
    res.Json(200, {{"id", p.user_id},
                   {"username", p.username},
                   {"tenant_id", p.tenant_id},
                   {"role", p.role},
                   {"limits", {{"max_upload_bytes", d->max_upload_bytes}}}});
  });
}

}  // namespace minutes
