#include "api/openapi.hpp"

#include <sstream>

#include "api/schemas.hpp"

namespace minutes {
namespace {

using nlohmann::json;

// A route's declared contract, completed with what every route shares: its path parameters
// (strings unless declared), who may call it, and the 401 of authenticated routes.
json Declared(const Router::Info& r) {
  json o = r.contract;
  std::stringstream ss(r.pattern);
  for (std::string seg; std::getline(ss, seg, '/');) {
    if (seg.size() <= 2 || seg.front() != '{') continue;
    std::string name = seg.substr(1, seg.size() - 2);
    bool declared = false;
    for (const auto& p : o["parameters"])
      declared = declared || (p["in"] == "path" && p["name"] == name);
    if (!declared)
      o["parameters"].push_back(
          {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  if (o["parameters"].empty()) o.erase("parameters");
  // What any route may answer besides what it declares: the edge's and the router's refusals
  // (a body too large, too many requests, the server busy or shutting down, a bug); the edge's
  // refusals of an over-long request line or oversized headers are named.
  for (auto [code, what] : {std::pair{"414", "the request line is longer than allowed"},
                            std::pair{"431", "the request's headers are larger than allowed"}})
    o["responses"][code] = {
        {"description", what},
        {"content", {{"application/json", {{"schema", schema::Ref("Error")}}}}}};
  o["responses"]["default"] = {
      {"description", "another error: see its code and message"},
      {"content", {{"application/json", {{"schema", schema::Ref("Error")}}}}}};
  if (r.auth) {
    o["security"] = {{{"bearer", json::array()}}, {{"gateway", json::array()}}};
    if (!o["responses"].contains("401"))
      o["responses"]["401"] = {
          {"description", "not authenticated"},
          {"content", {{"application/json", {{"schema", schema::Ref("Error")}}}}}};
  } else {
    o["security"] = json::array();  // public: no credentials
  }
  return o;
}

}  // namespace

json OpenApiDocument(const Router& router) {
  json paths = json::object();
  json undocumented = json::array();
  for (const auto& r : router.Routes()) {
    std::string lower = r.method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (r.contract.is_null())
      undocumented.push_back(r.method + " " + r.pattern);
    else
      paths[r.pattern][lower] = Declared(r);
  }
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "Minutes API"},
                {"version", "1.1"},
                {"license", {{"name", "Proprietary"}, {"url", "/license"}}},
                {"description",
                 "Meeting recordings to transcripts with speakers and minutes. Errors are "
                 "{\"error\": {\"code\", \"message\", \"request_id\"}}; every response carries "
                 "X-Request-ID."}}},
              {"servers", {{{"url", "/"}, {"description", "this server"}}}},
              {"paths", paths},
              {"components",
               {{"schemas", schema::Components()},
                {"securitySchemes",
                 {{"bearer",
                   {{"type", "http"},
                    {"scheme", "bearer"},
                    {"description", "A login token (JWT) or an API key (mk_…)"}}},
                  {"gateway",
                   {{"type", "apiKey"},
                    {"in", "header"},
                    {"name", "X-User-ID"},
                    {"description",
                     "Gateway mode: X-User-ID + X-Tenant-ID (+ X-User-Role) from a trusted proxy "
                     "or with X-Gateway-Secret"}}}}}}}};
  if (!undocumented.empty()) doc["x-undocumented"] = undocumented;
  return doc;
}

}  // namespace minutes
