#include "api/gateway_event.hpp"

#include "core/json_read.hpp"
#include "core/text.hpp"
#include "net/base64.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

using nlohmann::json;

// Readers that never throw: json's value() and get<std::string>() throw for another type, and
// the const operator[] is undefined for a missing key.
std::string Str(const json& j, const char* key) { return JsonString(JsonMember(j, key)); }

}  // namespace

Result<GatewayEvent> ParseGatewayEvent(const json& e) {
  if (!e.is_object()) return Status::BadInput("the event is not a JSON object");
  GatewayEvent p;
  const json& ctx = JsonMember(e, "requestContext");
  if (Str(e, "version") == "2.0") {
    const json& http = JsonMember(ctx, "http");
    if (!http.is_object())
      return Status::BadInput("an HTTP API (2.0) event without requestContext.http");
    p.method = Str(http, "method");
    p.path = Str(e, "rawPath");
    p.source_ip = Str(http, "sourceIp");
    if (std::string raw = Str(e, "rawQueryString"); !raw.empty()) {
      auto query = ParseQuery(raw);  // BadInput for percent-encoding that is not ("%zz")
      if (!query.ok())
        return Status::BadInput("the event's rawQueryString is not a valid query string: " +
                                query.status().message());
      for (auto& [k, v] : *query) p.query[k] = std::move(v);
    }
    if (const json& cookies = JsonMember(e, "cookies"); cookies.is_array()) {
      std::string cookie;
      for (const auto& c : cookies)
        if (c.is_string()) cookie += (cookie.empty() ? "" : "; ") + c.get<std::string>();
      p.headers["cookie"] = cookie;
    }
  } else if (e.contains("httpMethod")) {
    p.version = 1;
    p.method = Str(e, "httpMethod");
    p.path = Str(e, "path");
    p.source_ip = Str(JsonMember(ctx, "identity"), "sourceIp");
    if (const json& multi = JsonMember(e, "multiValueQueryStringParameters"); multi.is_object()) {
      for (const auto& [k, v] : multi.items())
        if (v.is_array() && !v.empty() && v.back().is_string()) p.query[k] = v.back();
    } else if (const json& single = JsonMember(e, "queryStringParameters"); single.is_object()) {
      for (const auto& [k, v] : single.items())
        if (v.is_string()) p.query[k] = v.get<std::string>();
    }
    if (const json& multi = JsonMember(e, "multiValueHeaders"); multi.is_object())
      for (const auto& [k, v] : multi.items()) {
        if (!v.is_array()) continue;
        std::string joined;
        for (const auto& x : v)
          if (x.is_string()) joined += (joined.empty() ? "" : ",") + x.get<std::string>();
        p.headers[AsciiLower(k)] = joined;
      }
  } else {
    return Status::BadInput(
        "not an API Gateway proxy event (neither version 2.0 nor a REST API httpMethod)");
  }
  if (const json& headers = JsonMember(e, "headers"); headers.is_object())
    for (const auto& [k, v] : headers.items())
      if (v.is_string() && !p.headers.count(AsciiLower(k)))
        p.headers[AsciiLower(k)] = v.get<std::string>();
  if (p.method.empty() || p.path.empty() || p.path[0] != '/')
    return Status::BadInput("the event has no method or path");
  if (const json& body = JsonMember(e, "body"); body.is_string()) {
    p.body = body.get<std::string>();
    if (const json& b64 = JsonMember(e, "isBase64Encoded"); b64.is_boolean() && b64.get<bool>()) {
      auto bytes = DecodeBase64(p.body);
      if (!bytes) return Status::BadInput("the event's body is flagged base64 but is not");
      p.body = std::move(*bytes);
    }
  }
  return p;
}

}  // namespace minutes
