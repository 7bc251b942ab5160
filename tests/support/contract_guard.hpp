#pragma once
// Every answer the tests' HTTP client gets from a Minutes server is checked against that
// server's own /openapi.json, as a validating proxy would: the operation declares the status
// and content type, and a JSON body validates against the declared schema. A drift between the
// code and its contract fails the test that saw it (ADD_FAILURE), whatever the test was about.
#include <string>

#include "http_client.hpp"

namespace minutes::testing {

/// Checks `reply` to `method path` (query included) from the server on `port`. Answers of
/// routes the description does not have (404 for unknown paths, 405) and of servers that are
/// not Minutes (no /openapi.json) are not checked.
void CheckReplyAgainstContract(int port, const std::string& method, const std::string& path,
                               const Reply& reply, bool check_body = true);

/// Checks the answers a browser got from the server on `port`, as tests/tools/record-answers.mjs
/// wrote them to `file` (one JSON object a line: method, path, status, content_type, body);
/// returns how many lines there were. 304s (a cached file still current) are not checked.
int CheckRecordedAnswers(int port, const std::string& file);

/// The description's path pattern that `path` (without query) falls under ("/api/v1/tasks/{id}"
/// for "/api/v1/tasks/abc"), literal segments preferred; "" when none.
std::string PatternFor(const nlohmann::json& openapi, const std::string& path);

}  // namespace minutes::testing
