// /openapi.json, /docs (Swagger UI) and /redoc: the API described and browsable, with the UIs'
// files served from the npm packages installed in web/ — no CDN.
#include <filesystem>
#include <fstream>
#include <map>

#include "api/contract.hpp"
#include "api/openapi.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"

#ifndef MINUTES_WEB_MODULES
#define MINUTES_WEB_MODULES ""
#endif

namespace minutes {
namespace {

struct Asset {
  const char* package_path;  ///< under node_modules
  const char* content_type;
};

// The only files served: a fixed list, so no request path ever reaches the file system.
const std::map<std::string, Asset>& Assets() {
  static const std::map<std::string, Asset> kAssets = {
      {"swagger-ui.css", {"swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"}},
      {"swagger-ui-bundle.js",
       {"swagger-ui-dist/swagger-ui-bundle.js", "text/javascript; charset=utf-8"}},
      {"swagger-ui-standalone-preset.js",
       {"swagger-ui-dist/swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"}},
      {"redoc.standalone.js",
       {"redoc/bundles/redoc.standalone.js", "text/javascript; charset=utf-8"}},
  };
  return kAssets;
}

const char* kSwaggerPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Minutes API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
</script></body></html>
)";

const char* kRedocPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Minutes API</title></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/redoc/assets/redoc.standalone.js"></script></body></html>
)";

// The terms /openapi.json's info.license points to.
const char* kLicense =
    "Minutes is proprietary software; all rights reserved by its authors.\n"
    "This API description (/openapi.json) may be copied and used to write, generate and test\n"
    "clients of a Minutes service.\n";

}  // namespace

void AddDocsRoutes(Router& r, const ServiceContext& ctx) {
  const Router* router = &r;
  r.Add("GET", "/openapi.json", false,
        Contract("getOpenApi", "docs", "This description of the API (OpenAPI 3.0)")
            .Returns(200, "the description", schema::MapOf(nlohmann::json::object())),
        [router](Request&, Response& res) { res.Json(200, OpenApiDocument(*router)); });
  r.Add("GET", "/license", false,
        Contract("getLicense", "docs", "The terms of the software and of this description")
            .Returns(200, "the terms", schema::Str(), "text/plain"),
        [](Request&, Response& res) {
          res.status = 200;
          res.content_type = "text/plain; charset=utf-8";
          res.body = kLicense;
        });
  auto page = [](const char* html) {
    return [html](Request&, Response& res) {
      res.status = 200;
      res.content_type = "text/html; charset=utf-8";
      res.body = html;
    };
  };
  r.Add("GET", "/docs", false,
        Contract("getSwaggerUi", "docs", "The API in Swagger UI")
            .Returns(200, "the page", schema::Str(), "text/html"),
        page(kSwaggerPage));
  r.Add("GET", "/redoc", false,
        Contract("getRedoc", "docs", "The API in ReDoc")
            .Returns(200, "the page", schema::Str(), "text/html"),
        page(kRedocPage));
  std::string modules =
      ctx.config.server.assets_dir.empty() ? MINUTES_WEB_MODULES : ctx.config.server.assets_dir;
  auto asset = [modules](Request& req, Response& res) {
    auto it = Assets().find(req.params["file"]);
    if (it == Assets().end()) return SetError(res, 404, "", "no such asset", req.request_id);
    std::filesystem::path p = std::filesystem::path(modules) / it->second.package_path;
    std::ifstream in(p, std::ios::binary);
    if (!in)
      return SetError(res, 503, "",
                      "the docs assets are not installed: " + p.string() +
                          " is missing (run scripts/setup.sh, or set server.assets_dir)",
                      req.request_id);
    res.status = 200;
    res.content_type = it->second.content_type;
    res.headers["Cache-Control"] = "public, max-age=86400";
    res.body.assign(std::istreambuf_iterator<char>(in), {});
  };
  auto asset_contract = [](const char* id, const char* what) {
    return Contract(id, "docs", what)
        .Returns(200, "the file", schema::Binary(), "*/*")
        .Returns(404, "no such file")
        .Returns(503, "the package is not installed here");
  };
  r.Add("GET", "/docs/assets/{file}", false,
        asset_contract("getSwaggerUiAsset", "Swagger UI's files (from its npm package)"), asset);
  r.Add("GET", "/redoc/assets/{file}", false,
        asset_contract("getRedocAsset", "ReDoc's files (from its npm package)"), asset);
}

}  // namespace minutes
