#include "http/message.hpp"

#include <cmath>

namespace minutes {

int HttpStatusFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadInput:
      return 400;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kAlreadyExists:
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kUnauthenticated:
      return 401;
    case ErrorKind::kPermissionDenied:
      return 403;
    case ErrorKind::kFailedPrecondition:
      return 422;
    case ErrorKind::kTooLarge:
      return 413;
    case ErrorKind::kResourceExhausted:
      return 429;
    case ErrorKind::kInsufficientStorage:
      return 507;
    case ErrorKind::kUnsupportedMedia:
      return 415;
    default:
      return 500;
  }
}

namespace {
std::string CodeFor(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 409:
      return "conflict";
    case 411:
      return "length_required";
    case 414:
      return "uri_too_long";
    case 429:
      return "too_many_requests";
    case 431:
      return "header_fields_too_large";
    case 413:
      return "payload_too_large";
    case 416:
      return "range_not_satisfiable";
    case 415:
      return "unsupported_media_type";
    case 422:
      return "unprocessable";
    case 503:
      return "unavailable";
    case 507:
      return "insufficient_storage";
    default:
      return "internal";
  }
}
}  // namespace

void SetError(Response& res, int status, const std::string& code, const std::string& message,
              const std::string& request_id) {
  res.Json(status, {{"error",
                     {{"code", code.empty() ? CodeFor(status) : code},
                      {"message", message},
                      {"request_id", request_id}}}});
}

void SetError(Response& res, const Status& s, const std::string& request_id) {
  SetError(res, s, "", request_id);
}

void SetError(Response& res, const Status& s, const std::string& code,
              const std::string& request_id) {
  int status = HttpStatusFor(s.kind());
  // Internal details stay in the log; the client gets a request id to quote.
  SetError(res, status, code, status == 500 ? "internal error" : s.message(), request_id);
  if (s.retry_after_s() >= 0) {
    res.headers["Retry-After"] =
        std::to_string(static_cast<long long>(std::ceil(s.retry_after_s())));
  }
}

}  // namespace minutes
