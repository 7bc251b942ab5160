// The web app: GET / is its page, /app/{file} its bundle and stylesheet, built from web/ into
// web/dist by scripts/setup.sh (`npm run build`). A fixed list of files, so no request path ever
// reaches the file system; the app itself talks only to the public API.
#include <filesystem>
#include <fstream>
#include <map>

#include "api/routes.hpp"

#ifndef MINUTES_WEB_DIST
#define MINUTES_WEB_DIST ""
#endif

namespace minutes {
namespace {

const std::map<std::string, const char*>& Files() {
  static const std::map<std::string, const char*> kFiles = {
      {"index.html", "text/html; charset=utf-8"},
      {"app.js", "text/javascript; charset=utf-8"},
      {"app.css", "text/css; charset=utf-8"},
  };
  return kFiles;
}

void Serve(const std::string& dir, const std::string& file, Request& req, Response& res) {
  auto it = Files().find(file);
  if (it == Files().end()) return SetError(res, 404, "", "no such file", req.request_id);
  std::ifstream in(std::filesystem::path(dir) / file, std::ios::binary);
  if (!in)
    return SetError(res, 503, "",
                    "the web app is not built: " + (std::filesystem::path(dir) / file).string() +
                        " is missing (run scripts/setup.sh, or set server.web_dir)",
                    req.request_id);
  res.status = 200;
  res.content_type = it->second;
  res.body.assign(std::istreambuf_iterator<char>(in), {});
  // The page is small and always fresh; the bundle is revalidated (no hashed names).
  res.headers["Cache-Control"] = "no-cache";
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
        [dir](Request& req, Response& res) { Serve(dir, "index.html", req, res); });
  r.Add("GET", "/app/{file}", false,
        [dir](Request& req, Response& res) { Serve(dir, req.params["file"], req, res); });
}

}  // namespace minutes
