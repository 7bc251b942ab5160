#include "http/router.hpp"

#include <sstream>

namespace minutes {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  std::string seg;
  while (std::getline(ss, seg, '/'))
    if (!seg.empty()) out.push_back(seg);
  return out;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, bool auth,
                 Handler handler) {
  Add(method, pattern, auth, nullptr, std::move(handler));
}

void Router::Add(const std::string& method, const std::string& pattern, bool auth,
                 nlohmann::json contract, Handler handler) {
  routes_.push_back(
      {method, pattern, Split(pattern), auth, std::move(contract), std::move(handler)});
}

const Handler* Router::Match(Request& req, Response& res, bool* needs_auth) const {
  auto segs = Split(req.path);
  bool path_matched = false;
  std::vector<std::string> allowed;
  // HEAD is GET without the body (the server drops it).
  const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        params[p.substr(1, p.size() - 2)] = segs[i];
      else
        ok = p == segs[i];
    }
    if (!ok) continue;
    path_matched = true;
    if (r.method != method) {
      allowed.push_back(r.method);
      if (r.method == "GET") allowed.push_back("HEAD");
      continue;
    }
    req.params = std::move(params);
    req.route = r.pattern;
    *needs_auth = r.auth;
    return &r.handler;
  }
  if (path_matched) {
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    SetError(res, 405, "",
             req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")",
             req.request_id);
    res.headers["Allow"] = allow;
  } else {
    SetError(res, 404, "", "no route for " + req.path, req.request_id);
  }
  return nullptr;
}

std::vector<Router::Info> Router::Routes() const {
  std::vector<Info> out;
  for (const auto& r : routes_) out.push_back({r.method, r.pattern, r.auth, r.contract});
  return out;
}

}  // namespace minutes
