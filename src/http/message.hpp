#pragma once
// Requests and responses as the routes see them, whatever carries them (the event-driven server
// in http/server.hpp, or AWS Lambda), and the error body mapping. No socket type appears here.
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// The authenticated caller.
struct Principal {
  std::string user_id, tenant_id, username, role;
};

/// One request. `body` streams the request body (never read whole unless a route wants to).
struct Request {
  std::string method, path, request_id;
  std::string client_address;  ///< the client (X-Forwarded-For from trusted proxies applied)
  std::string peer_address;    ///< the socket's peer (what gateway trust checks)
  std::string route;  ///< the matched pattern, e.g. "/api/v1/tasks/{id}" (for metrics and logs)
  std::map<std::string, std::string> params;  ///< path parameters, e.g. {"id": …}
  std::map<std::string, std::string> query;
  std::function<std::string(const std::string&)> header;  ///< "" when absent
  std::istream* body = nullptr;
  std::optional<Principal> principal;  ///< set by authentication
};

/// One response; JSON unless a route sets another content type.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  /// When set, the body is written by this callback instead of `body` (large files, Server-Sent
  /// Events): `content_length` bytes, or chunked when it is -1.
  /// The callback may block on the client (the server suspends it without holding a thread).
  std::function<void(std::ostream&)> stream;
  int64_t content_length = -1;
  /// Server-Sent Events: when set, the server writes the headers, then calls this once with an
  /// `emit(text, last)` that any thread may call until `last` (text already in SSE framing,
  /// written in order). The returned subscription is destroyed when the stream ends or the
  /// client leaves, after which `emit` does nothing. Quiet streams get heartbeats from the server.
  using EventEmit = std::function<void(std::string text, bool last)>;
  std::function<std::shared_ptr<void>(EventEmit emit)> events;
  /// Bytes that are not UTF-8 (a request path or field repeated in a message, stored text
  /// cut mid-character) are written as U+FFFD: an answer is always JSON, never an exception.
  void Json(int code, const nlohmann::json& j) {
    status = code;
    content_type = "application/json";
    body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
};

/// HTTP status for an error kind: bad input 400, not found 404, unavailable 503, else 500.
int HttpStatusFor(ErrorKind kind);

/// Fills `res` with {"error": {"code", "message", "request_id"}}.
void SetError(Response& res, int status, const std::string& code, const std::string& message,
              const std::string& request_id);

/// SetError from a Status, using HttpStatusFor.
void SetError(Response& res, const Status& s, const std::string& request_id);

/// The same with the body's code chosen by the caller (e.g. the limit that refused: a client
/// tells "storage_quota_exceeded" from "payload_too_large" without reading the message); ""
/// = the status's usual code. Retry-After as above.
void SetError(Response& res, const Status& s, const std::string& code,
              const std::string& request_id);

}  // namespace minutes
