// The web app: GET / is its page, /app/{file} its bundle and stylesheet, built from web/ into
// web/dist by scripts/setup.sh (`npm run build`). Only names of a fixed shape are served, so no
// request path ever reaches the file system; the app itself talks only to the public API.
// Content-hashed names are cached for a year; gzip twins go to clients that accept gzip.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"

#ifndef MINUTES_WEB_DIST
#define MINUTES_WEB_DIST ""
#endif

namespace minutes {
namespace {

// The content type of a file the app may be served from, or nullptr: the page, the bundle and
// stylesheet, and their content-hashed copies (app.<hex>.js). Nothing else ever reaches the disk.
const char* TypeOf(const std::string& file, bool* hashed) {
  static const std::regex kHashed("app\\.[0-9a-f]{8,64}\\.(js|css)");
  *hashed = std::regex_match(file, kHashed);
  bool js = file.size() > 3 && file.compare(file.size() - 3, 3, ".js") == 0;
  if (file == "index.html") return "text/html; charset=utf-8";
  if (file != "app.js" && file != "app.css" && !*hashed) return nullptr;
  return js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
}

bool AcceptsGzip(const std::string& accept_encoding) {
  std::string a = accept_encoding;
  for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = a.find("gzip");
  if (at == std::string::npos) return false;
  // "gzip;q=0" refuses it.
  size_t end = a.find(',', at);
  std::string params =
      a.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
  return params.find("q=0") == std::string::npos || params.find("q=0.") != std::string::npos;
}

void Serve(const std::string& dir, const std::string& file, Request& req, Response& res) {
  bool hashed = false;
  const char* type = TypeOf(file, &hashed);
  if (!type) return SetError(res, 404, "", "no such file", req.request_id);
  std::filesystem::path path = std::filesystem::path(dir) / file;
  bool gzip = AcceptsGzip(req.header("Accept-Encoding"));
  std::ifstream in;
  if (gzip) in.open(path.string() + ".gz", std::ios::binary);  // built beside it (web/build.mjs)
  if (!in.is_open()) {
    gzip = false;
    in.open(path, std::ios::binary);
  }
  if (!in.is_open())
    return SetError(res, hashed ? 404 : 503, "",
                    hashed ? "no such file (the app was rebuilt: reload the page)"
                           : "the web app is not built: " + path.string() +
                                 " is missing (run scripts/setup.sh, or set server.web_dir)",
                    req.request_id);
  res.status = 200;
  res.content_type = type;
  res.body.assign(std::istreambuf_iterator<char>(in), {});
  if (gzip) res.headers["Content-Encoding"] = "gzip";
  res.headers["Vary"] = "Accept-Encoding";
  // A hashed name never changes content: keep it a year. The page and the plain names are
  // revalidated, so a new build is picked up at once.
  res.headers["Cache-Control"] = hashed ? "public, max-age=31536000, immutable" : "no-cache";
  res.headers["X-Content-Type-Options"] = "nosniff";
  if (file == "index.html")
    res.headers["Content-Security-Policy"] =
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'";
}

}  // namespace

void AddWebRoutes(Router& r, const ServiceContext& ctx) {
  std::string dir =
      ctx.config.server.web_dir.empty() ? MINUTES_WEB_DIST : ctx.config.server.web_dir;
  r.Add("GET", "/", false,
        Contract("getWebApp", "web", "The web app")
            .Returns(200, "the page", schema::Str(), "text/html")
            .Returns(503, "the web app is not built here"),
        [dir](Request& req, Response& res) { Serve(dir, "index.html", req, res); });
  r.Add("GET", "/app/{file}", false,
        Contract("getWebAppFile", "web",
                 "The web app's files; names with a content hash are cached for a year")
            .Returns(200, "the file", schema::Binary(), "*/*")
            .Returns(404, "no such file")
            .Returns(503, "the web app is not built here"),
        [dir](Request& req, Response& res) { Serve(dir, req.params["file"], req, res); });
}

}  // namespace minutes
