#pragma once
// The OpenAPI 3 description of the API, generated from the contracts the routes declare beside
// their handlers (api/contract.hpp); a registered route without one is listed under
// "x-undocumented" (and tests fail on it), so the document cannot fall behind the code.
#include <nlohmann/json.hpp>

#include "http/router.hpp"

namespace minutes {

/// The description of the routes `router` has.
nlohmann::json OpenApiDocument(const Router& router);

/// The description of every route of the service, without a running service: the routes are
/// registered against an in-memory database and a store that is never used (`minutes openapi`;
/// the web app's client is generated from it). The same for every configuration.
nlohmann::json DescribeApi();

}  // namespace minutes
