#include "http/request_target.hpp"

#include <Poco/URI.h>

namespace minutes {

Result<RequestTarget> ParseRequestTarget(std::string_view target, size_t max_bytes) {
  if (target.size() > max_bytes)
    return Status(ErrorKind::kTooLarge,
                  "the request target is longer than " + std::to_string(max_bytes) + " bytes");
  RequestTarget out;
  try {
    Poco::URI uri{std::string(target)};
    out.path = uri.getPath();
    for (auto& [k, v] : uri.getQueryParameters()) out.query[k] = v;
  } catch (const std::exception&) {
    return Status::BadInput("malformed request target");
  }
  if (out.path.empty() || out.path[0] != '/')
    return Status::BadInput("the request target must be a path");
  return out;
}

}  // namespace minutes
