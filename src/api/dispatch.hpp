#pragma once
// What every front end of the API shares — the HTTP server (`minutes serve`) and the AWS Lambda
// runtime (`minutes lambda`): one router with every route, and one way to run a request through
// it (match, authenticate, handle, never let an exception out).
#include "api/authenticator.hpp"
#include "api/context.hpp"
#include "http/router.hpp"

namespace minutes {

/// Registers every route of the service on `router`.
void RegisterRoutes(Router& router, const ServiceContext& ctx);

/// Runs `req` through `router`: 404/405 from the router, 401 when authentication fails, the
/// handler's response otherwise, 500 (logged, not shown) when a handler throws. API answers get
/// Cache-Control: no-store (unless the route chose) and every answer X-Content-Type-Options.
void DispatchRequest(const Router& router, const Authenticator& auth, Request& req, Response& res);

}  // namespace minutes
