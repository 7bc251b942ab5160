#include "api/routes.hpp"

namespace minutes {

Result<nlohmann::json> ReadJsonBody(Request& req, size_t max_bytes) {
  std::string body;
  if (req.body) {
    char buf[8192];
    while (req.body->read(buf, sizeof buf) || req.body->gcount() > 0) {
      body.append(buf, static_cast<size_t>(req.body->gcount()));
      if (body.size() > max_bytes) return Status::BadInput("body too large");
    }
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return Status::BadInput("invalid JSON body");
  if (!j.is_object()) return Status::BadInput("expected a JSON object");
  return j;
}

bool RequireAdmin(const Request& req, Response& res) {
  if (req.principal && req.principal->role == "admin") return true;
  SetError(res, 403, "", "this needs an admin", req.request_id);
  return false;
}

}  // namespace minutes
