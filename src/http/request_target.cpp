#include "http/request_target.hpp"

#include "net/url.hpp"

namespace minutes {

Result<RequestTarget> ParseRequestTarget(std::string_view target, size_t max_bytes) {
  if (target.size() > max_bytes)
    return Status(ErrorKind::kTooLarge,
                  "the request target is longer than " + std::to_string(max_bytes) + " bytes");
  std::string_view path, query;
  std::string absolute_path;
  if (!target.empty() && target[0] == '/') {
    target = target.substr(0, target.find('#'));
    size_t q = target.find('?');
    path = target.substr(0, q);
    if (q != std::string_view::npos) query = target.substr(q + 1);
  } else {
    auto url = ParseUrl(target);
    if (!url.ok()) return Status::BadInput("the request target is not a path or a URL");
    if (url->scheme != "http" && url->scheme != "https")
      return Status::BadInput("the request target is not a path or an http URL");
    absolute_path = url->path;
    if (absolute_path.empty() || absolute_path[0] != '/')
      return Status::BadInput("the request target must be a path");
    path = absolute_path;
    // A parsed query is a view into `target`, which outlives this function.
    size_t q = target.find('?');
    if (q != std::string_view::npos) query = target.substr(q + 1, url->query.size());
  }
  RequestTarget out;
  auto decoded = PercentDecode(path);
  if (!decoded.ok()) return Status::BadInput("request path: " + decoded.status().message());
  out.path = std::move(*decoded);
  auto params = ParseQuery(query);
  if (!params.ok()) return Status::BadInput("request query: " + params.status().message());
  for (auto& [k, v] : *params) out.query[std::move(k)] = std::move(v);
  return out;
}

}  // namespace minutes
