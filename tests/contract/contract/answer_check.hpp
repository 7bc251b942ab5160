#pragma once
// Checks an answer of the service against its own /openapi.json, as a validating proxy would:
// the operation declares the status, the content type, and the body validates against the
// declared schema. OpenAPI 3.0's Schema Objects are turned into JSON Schema (draft 4) for
// valijson: `nullable: true` becomes a "null" type allowed beside the others.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace minutes::testing {

/// What is wrong with the answer (nothing: empty). `pattern` is the route's path pattern
/// ("/api/v1/tasks/{id}"); `content_type` may carry parameters ("; charset=utf-8").
std::vector<std::string> CheckAnswer(const nlohmann::json& openapi, const std::string& method,
                                     const std::string& pattern, int status,
                                     const std::string& content_type, const std::string& body);

/// The OpenAPI 3.0 Schema Object as JSON Schema draft 4 (nullable → a null type or enum value).
nlohmann::json ToJsonSchema(const nlohmann::json& schema);

}  // namespace minutes::testing
