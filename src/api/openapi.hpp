#pragma once
// The OpenAPI 3 description of the routes a Router has. Descriptions live in one table keyed
// by "METHOD pattern"; a registered route without one is listed under "x-undocumented" (and
// tests fail on it), so the document cannot silently fall behind the code.
#include <nlohmann/json.hpp>

#include "http/router.hpp"

namespace minutes {

nlohmann::json OpenApiDocument(const Router& router);

}  // namespace minutes
