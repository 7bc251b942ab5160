#include "api/dispatch.hpp"

#include "api/routes.hpp"

namespace minutes {

void RegisterRoutes(Router& r, const ServiceContext& c) {
  AddHealthRoutes(r, c);
  AddAuthRoutes(r, c);
  AddTaskRoutes(r, c);
  AddMinutesRoutes(r, c);
  AddTemplateRoutes(r, c);
  AddHotwordRoutes(r, c);
  AddAdminRoutes(r, c);
  AddTenantRoutes(r, c);
  AddEditRoutes(r, c);
  AddWebhookRoutes(r, c);
  AddUploadRoutes(r, c);
  AddAskRoutes(r, c);
  AddWebRoutes(r, c);
  AddDocsRoutes(r, c);  // last: it describes the routes above
}

namespace {

void Route(const Router& router, const Authenticator& auth, Request& req, Response& res) {
  try {
    bool needs_auth = false;
    const Handler* h = router.Match(req, res, &needs_auth);
    if (!h) return;
    if (needs_auth) {
      auto who = auth.Authenticate(req);
      // The database that says who the caller is was unreachable: 503, try again — not 401,
      // which tells a client its credentials are bad.
      if (!who.ok() && who.status().kind() == ErrorKind::kUnavailable)
        return SetError(res, who.status(), req.request_id);
      if (!who.ok()) {
        SetError(res, 401, "", who.status().message(), req.request_id);
        res.headers["WWW-Authenticate"] = "Bearer";
        return;
      }
      req.principal = *who;
    }
    (*h)(req, res);
  } catch (const std::exception&) {  // no exception crosses the edge
    res = Response{};
    SetError(res, 500, "", "internal error", req.request_id);
  }
}

}  // namespace

void DispatchRequest(const Router& router, const Authenticator& auth, Request& req, Response& res) {
  Route(router, auth, req, res);
  // API answers are per user and change: no cache keeps them. No browser guesses a type.
  if (req.path.rfind("/api/", 0) == 0 && !res.headers.count("Cache-Control"))
    res.headers["Cache-Control"] = "no-store";
  res.headers["X-Content-Type-Options"] = "nosniff";
}

}  // namespace minutes
