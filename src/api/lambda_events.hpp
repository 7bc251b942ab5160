#pragma once
// API Gateway events for `minutes lambda`: an HTTP API (payload format 2.0) or REST API
// (format 1.0) proxy event becomes a Request for the same router `minutes serve` uses, and the
// Response goes back in the shape API Gateway expects — text bodies as they are, binary ones
// (DOCX, audio) base64-encoded. Nothing here does I/O.
#include <nlohmann/json.hpp>
#include <string>

#include "api/authenticator.hpp"
#include "http/router.hpp"
#include "config/config.hpp"

namespace minutes {

/// Lambda's synchronous response payload limit.
constexpr size_t kLambdaMaxResponseBytes = 6 * 1024 * 1024;

/// Handles one event: BadInput (naming what is missing) when it is not an API Gateway proxy
/// event, else the response object for API Gateway. `request_id` is Lambda's.
Result<nlohmann::json> HandleApiGatewayEvent(const Router& router, const Authenticator& auth,
                                             const Config& config, const nlohmann::json& event,
                                             const std::string& request_id);

}  // namespace minutes
