#include "api/lambda_events.hpp"

#include <chrono>
#include <map>
#include <regex>
#include <sstream>

#include "api/dispatch.hpp"
#include "api/request_log.hpp"
#include "net/base64.hpp"
#include "net/url.hpp"
#include "worker/metrics.hpp"

namespace minutes {
namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsText(const std::string& type) {
  std::string t = Lower(type.substr(0, type.find(';')));
  return t.rfind("text/", 0) == 0 || t == "application/json" || t == "application/javascript" ||
         t == "application/xml" || t.ends_with("+json") || t.ends_with("+xml") || t.empty();
}

// Collects a streamed body, refusing past Lambda's limit.
class Bounded : public std::streambuf {
 public:
  std::string data;
  bool over = false;

 protected:
  int overflow(int c) override {
    if (c == EOF) return 0;
    if (data.size() >= kLambdaMaxResponseBytes) {
      over = true;
      return EOF;  // the writer's stream fails and it stops
    }
    data.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (data.size() + static_cast<size_t>(n) > kLambdaMaxResponseBytes) {
      over = true;
      return 0;
    }
    data.append(s, static_cast<size_t>(n));
    return n;
  }
};

struct Parsed {
  int version = 2;
  std::string method, path, source_ip, body;
  std::map<std::string, std::string> query, headers;
};

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

Result<Parsed> Parse(const json& e) {
  if (!e.is_object()) return Status::BadInput("the event is not a JSON object");
  Parsed p;
  const json ctx = e.value("requestContext", json::object());
  if (e.value("version", "") == "2.0") {
    if (!ctx.contains("http") || !ctx["http"].is_object())
      return Status::BadInput("an HTTP API (2.0) event without requestContext.http");
    p.method = Str(ctx["http"], "method");
    p.path = Str(e, "rawPath");
    p.source_ip = Str(ctx["http"], "sourceIp");
    std::string raw = Str(e, "rawQueryString");
    auto query = ParseQuery(raw);
    if (!query.ok()) return Status::BadInput("rawQueryString: " + query.status().message());
    for (auto& [k, v] : *query) p.query[k] = v;
    if (e.contains("cookies") && e["cookies"].is_array()) {
      std::string cookie;
      for (auto& c : e["cookies"]) cookie += (cookie.empty() ? "" : "; ") + c.get<std::string>();
      p.headers["cookie"] = cookie;
    }
  } else if (e.contains("httpMethod")) {
    p.version = 1;
    p.method = Str(e, "httpMethod");
    p.path = Str(e, "path");
    p.source_ip = ctx.contains("identity") ? Str(ctx["identity"], "sourceIp") : "";
    if (e.contains("multiValueQueryStringParameters") &&
        e["multiValueQueryStringParameters"].is_object()) {
      for (auto& [k, v] : e["multiValueQueryStringParameters"].items())
        if (v.is_array() && !v.empty()) p.query[k] = v.back().get<std::string>();
    } else if (e.contains("queryStringParameters") && e["queryStringParameters"].is_object()) {
      for (auto& [k, v] : e["queryStringParameters"].items())
        if (v.is_string()) p.query[k] = v.get<std::string>();
    }
    if (e.contains("multiValueHeaders") && e["multiValueHeaders"].is_object())
      for (auto& [k, v] : e["multiValueHeaders"].items()) {
        std::string joined;
        for (auto& x : v) joined += (joined.empty() ? "" : ",") + x.get<std::string>();
        p.headers[Lower(k)] = joined;
      }
  } else {
    return Status::BadInput(
        "not an API Gateway proxy event (neither version 2.0 nor a REST API httpMethod)");
  }
  if (e.contains("headers") && e["headers"].is_object())
    for (auto& [k, v] : e["headers"].items())
      if (v.is_string() && !p.headers.count(Lower(k))) p.headers[Lower(k)] = v.get<std::string>();
  if (p.method.empty() || p.path.empty() || p.path[0] != '/')
    return Status::BadInput("the event has no method or path");
  if (e.contains("body") && e["body"].is_string()) {
    p.body = e["body"].get<std::string>();
    if (e.value("isBase64Encoded", false)) {
      auto decoded = Base64Decode(p.body);
      if (!decoded.ok()) return Status::BadInput("body: " + decoded.status().message());
      p.body = std::move(*decoded);
    }
  }
  return p;
}

json ToGateway(const Response& res, const std::string& body, int version,
               const std::string& request_id) {
  json headers = {{"x-request-id", request_id}};
  if (!res.content_type.empty() && res.status != 204 && res.status != 304)
    headers["content-type"] = res.content_type;
  for (auto& [k, v] : res.headers) headers[Lower(k)] = v;
  bool text = IsText(res.content_type);
  json out = {{"statusCode", res.status},
              {"headers", headers},
              {"body", text ? body : Base64Encode(body)},
              {"isBase64Encoded", !text}};
  if (version == 1) out["multiValueHeaders"] = json::object();
  return out;
}

}  // namespace

Result<json> HandleApiGatewayEvent(const Router& router, const Authenticator& auth,
                                   const Config& config, const json& event,
                                   const std::string& request_id) {
  auto p = Parse(event);
  if (!p.ok()) return p.status();
  auto started = std::chrono::steady_clock::now();
  Request req;
  Response res;
  req.method = p->method;
  req.path = p->path;
  req.query = p->query;
  std::map<std::string, std::string> headers = p->headers;
  headers["content-length"] = std::to_string(p->body.size());
  req.header = [&headers](const std::string& name) {
    auto it = headers.find(Lower(name));
    return it == headers.end() ? std::string() : it->second;
  };
  std::istringstream body(p->body);
  req.body = &body;
  // API Gateway is the edge: its sourceIp is the client, X-Forwarded-For only from trusted proxies.
  req.peer_address = p->source_ip;
  req.client_address =
      ClientAddress(p->source_ip, req.header("X-Forwarded-For"), config.server.trusted_proxies);
  req.request_id = req.header("X-Request-ID");
  if (req.request_id.empty() || req.request_id.size() > 128) req.request_id = request_id;
  static const std::regex kEvents("^/api/v1/tasks/[^/]+/events$");
  if (std::regex_match(req.path, kEvents)) {
    SetError(res, 501, "",
             "live events are not available through AWS Lambda (API Gateway buffers responses): "
             "poll GET /api/v1/tasks/{id}",
             req.request_id);
  } else {
    DispatchRequest(router, auth, req, res);
  }
  std::string out = res.body;
  if (res.stream) {
    Bounded sink;
    std::ostream stream(&sink);
    try {
      res.stream(stream);
    } catch (const std::exception&) {
    }
    if (sink.over) {
      res = Response{};
      SetError(res, 413, "",
               "the response is larger than AWS Lambda's 6 MB limit (for recordings on S3 use "
               "?redirect=true)",
               req.request_id);
      out = res.body;
    } else {
      out = std::move(sink.data);
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Metrics::Global().ObserveRequest(req.method, req.route, res.status, s);
  LogRequest(req, res.status, s * 1000);
  return ToGateway(res, out, p->version, req.request_id);
}

}  // namespace minutes
