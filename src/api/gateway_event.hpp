#pragma once
// An API Gateway proxy event (HTTP API payload 2.0, REST API 1.0) read into the parts of an HTTP
// request: a pure function of the event, shared by `minutes lambda` (lambda_events.cpp) and
// gateway_event_fuzz. The event's shape is AWS's, but its path, query, headers, cookies and body
// are the client's: nothing in it is trusted to have the documented types.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.hpp"

namespace minutes {

struct GatewayEvent {
  int version = 2;  ///< 2 (HTTP API) or 1 (REST API)
  std::string method, path, source_ip, body;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  ///< names lower-case; repeated values joined by ","
};

/// The request an event carries; BadInput naming what is missing or malformed (not an object,
/// neither format, no method or path, a query that is not percent-encoding, a body flagged
/// base64 that is not). Never throws.
Result<GatewayEvent> ParseGatewayEvent(const nlohmann::json& event);

}  // namespace minutes
