#include "api/lambda_events.hpp"

#include <chrono>
#include <map>
#include <regex>
#include <sstream>

#include "api/dispatch.hpp"
#include "api/gateway_event.hpp"
#include "api/request_log.hpp"
#include "core/text.hpp"
#include "metrics/metrics.hpp"
#include "net/base64.hpp"

namespace minutes {
namespace {

using nlohmann::json;

bool IsText(const std::string& type) {
  std::string t = AsciiLower(type.substr(0, type.find(';')));
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

json ToGateway(const Response& res, const std::string& body, int version,
               const std::string& request_id) {
  json headers = {{"x-request-id", request_id}};
  if (!res.content_type.empty() && res.status != 204 && res.status != 304)
    headers["content-type"] = res.content_type;
  for (auto& [k, v] : res.headers) headers[AsciiLower(k)] = v;
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
  auto p = ParseGatewayEvent(event);
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
    auto it = headers.find(AsciiLower(name));
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
