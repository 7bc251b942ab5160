#pragma once
// Method + path pattern ("/api/v1/tasks/{id}") to handler.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace minutes {

using Handler = std::function<void(Request&, Response&)>;

/// Routes requests; patterns are matched segment by segment, `{name}` binds a parameter.
class Router {
 public:
  /// `auth`: the route needs an authenticated caller (else 401 before the handler runs).
  void Add(const std::string& method, const std::string& pattern, bool auth, Handler handler);
  /// The same, with the route's contract: its OpenAPI Operation Object (operationId, parameters,
  /// request body, responses…), which the API description is generated from.
  void Add(const std::string& method, const std::string& pattern, bool auth,
           nlohmann::json contract, Handler handler);
  /// Finds the route: sets req.params; HEAD finds the GET route; 404 when no pattern matches,
  /// 405 with an `Allow` header when only the method differs. Returns the handler or nullptr with
  /// `res` filled with the error.
  const Handler* Match(Request& req, Response& res, bool* needs_auth) const;

  /// A registered route, as the OpenAPI description and metrics see it.
  struct Info {
    std::string method, pattern;
    bool auth;
    nlohmann::json contract;  ///< null when the route declared none
  };
  /// Every route in registration order.
  std::vector<Info> Routes() const;

 private:
  struct Route {
    std::string method, pattern;
    std::vector<std::string> segments;
    bool auth;
    nlohmann::json contract;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace minutes
