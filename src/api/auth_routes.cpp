// POST /api/v1/auth/login, GET /api/v1/me and PUT /api/v1/me/password.
#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "log/log.hpp"

namespace minutes {
namespace {

void TokenResponse(const ServiceContext& d, const User& u, const Request& req, Response& res) {
  std::string token =
      d.jwt.Issue({u.id, u.tenant_id, u.username, u.role, 0, u.token_generation}, UnixNow());
  if (token.empty()) return SetError(res, 500, "", "cannot sign a token", req.request_id);
  res.Json(200, {{"access_token", token}, {"token_type", "bearer"}, {"expires_in", d.jwt.ttl()}});
}

bool StringField(const nlohmann::json& body, const char* name) {
  return body.contains(name) && body[name].is_string();
}

}  // namespace

void AddAuthRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("POST", "/api/v1/auth/login", false,
        Contract("login", "auth", "Exchange a username and password for an access token")
            .JsonBody(schema::Ref("Credentials"))
            .Returns(200, "signed in", schema::Ref("Token"))
            .Returns(400, "username and password (strings) are required")
            .Returns(401, "wrong credentials")
            .Header(401, "WWW-Authenticate", "Bearer")
            .Returns(429, "too many failed sign-ins for the username or from the address")
            .Header(429, "Retry-After", "seconds", schema::Int())
            .Returns(503, "too many password checks at once")
            .Header(503, "Retry-After", "seconds", schema::Int()),
        [d](Request& req, Response& res) {
          auto body = ReadJsonBody(req);
          if (!body.ok()) return SetError(res, body.status(), req.request_id);
          if (!StringField(*body, "username") || !StringField(*body, "password"))
            return SetError(res, 400, "", "username and password (strings) are required",
                            req.request_id);
          const std::string username = (*body)["username"];
          std::optional<User> known;
          auto user = d->accounts.Login(username, (*body)["password"], req.client_address, &known);
          const std::string tenant_id = known ? known->tenant_id : "",
                            user_id = known ? known->id : "";
          if (!user.ok()) {
            const Status& s = user.status();
            if (s.kind() == ErrorKind::kUnauthenticated ||
                s.kind() == ErrorKind::kResourceExhausted) {
              bool throttled = s.kind() == ErrorKind::kResourceExhausted;
              // Failures are audited (at most as many as the throttle lets through to a password
              // check); refusals while throttled only reach the log, so a flood writes no rows.
              if (!throttled)
                AuditFor(d->db, req, tenant_id, user_id, "auth.login_failed",
                         known ? username : "");
              LogEvent(LogLevel::kWarn, throttled ? "login_throttled" : "login_failed",
                       {{"request_id", req.request_id},
                        {"client", req.client_address},
                        {"user_id", user_id},
                        {"known_user", known.has_value()}});
            }
            SetError(res, s, req.request_id);
            if (s.kind() == ErrorKind::kUnauthenticated) res.headers["WWW-Authenticate"] = "Bearer";
            return;
          }
          AuditFor(d->db, req, user->tenant_id, user->id, "auth.login", user->username);
          TokenResponse(*d, *user, req, res);
        });

  r.Add("GET", "/api/v1/me", true,
        Contract("getMe", "auth", "Who the credentials speak for")
            .Returns(200, "the caller", schema::Ref("Me")),
        [d](Request& req, Response& res) {
          const Principal& p = *req.principal;
          res.Json(200, {{"id", p.user_id},
                         {"username", p.username},
                         {"tenant_id", p.tenant_id},
                         {"role", p.role},
                         {"limits", {{"max_upload_bytes", d->max_upload_bytes}}}});
        });

  r.Add(
      "PUT", "/api/v1/me/password", true,
      Contract("changeMyPassword", "auth",
               "Change your own password; every earlier token and API key of yours stops "
               "working, and a fresh token comes back")
          .JsonBody(schema::Ref("PasswordChange"))
          .Returns(200, "changed", schema::Ref("Token"))
          .Returns(400, "current_password and new_password (strings) are required")
          .Returns(403, "the current password is wrong")
          .Returns(422, "the new password breaks the policy (length, common, the username)")
          .Returns(429, "too many failed attempts")
          .Header(429, "Retry-After", "seconds", schema::Int()),
      [d](Request& req, Response& res) {
        auto body = ReadJsonBody(req);
        if (!body.ok()) return SetError(res, body.status(), req.request_id);
        if (!StringField(*body, "current_password") || !StringField(*body, "new_password"))
          return SetError(res, 400, "", "current_password and new_password (strings) are required",
                          req.request_id);
        auto user = d->accounts.ChangePassword(req.principal->user_id, (*body)["current_password"],
                                               (*body)["new_password"], req.client_address);
        if (!user.ok()) {
          if (user.status().kind() == ErrorKind::kPermissionDenied)
            Audit(d->db, req, "user.password_change_failed", req.principal->user_id);
          return SetError(res, user.status(), req.request_id);
        }
        Audit(d->db, req, "user.password_change", user->id);
        // Every earlier token of the user, this request's included, stopped working: a fresh one.
        TokenResponse(*d, *user, req, res);
      });
}

}  // namespace minutes
