#pragma once
// The API's routes, registered on a Router.
#include "api/jwt.hpp"
#include "api/router.hpp"
#include "auth/accounts.hpp"
#include "db/database.hpp"

namespace minutes {

/// What routes need; all references outlive the router.
struct RouteDeps {
  Database& db;
  Accounts& accounts;
  const JwtIssuer& jwt;
};

/// Registers /health, /health/ready, /api/v1/auth/login and /api/v1/me.
void AddRoutes(Router& router, RouteDeps deps);

/// Reads the whole (small) JSON body; BadInput "invalid JSON: …" or "body too large".
Result<nlohmann::json> ReadJsonBody(Request& req, size_t max_bytes = 64 * 1024);

}  // namespace minutes
