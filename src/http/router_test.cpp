#include "http/router.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(Router, BindsParametersAndReports404And405) {
  Router r;
  std::string seen;
  r.Add("GET", "/api/v1/tasks/{id}", true, [&](Request& q, Response&) { seen = q.params["id"]; });
  Request req;
  Response res;
  bool auth = false;
  req.method = "GET";
  req.path = "/api/v1/tasks/abc123";
  const Handler* h = r.Match(req, res, &auth);
  ASSERT_NE(h, nullptr);
  (*h)(req, res);
  EXPECT_EQ(seen, "abc123");
  EXPECT_TRUE(auth);
  req.method = "DELETE";
  EXPECT_EQ(r.Match(req, res, &auth), nullptr);
  EXPECT_EQ(res.status, 405);
  req.method = "GET";
  req.path = "/api/v1/nope";
  req.request_id = "r1";
  EXPECT_EQ(r.Match(req, res, &auth), nullptr);
  EXPECT_EQ(res.status, 404);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_EQ(j["error"]["request_id"], "r1");
}

// Found by api_router_fuzz: a path with a byte that is not UTF-8 (%F9 decodes to one) made the
// 404's message, which repeats the path, throw from json::dump — a 500 instead of the 404.
TEST(Router, AnswersPathsThatAreNotUtf8WithJsonErrors) {
  Router r;
  r.Add("GET", "/api/v1/tasks/{id}", true, [](Request&, Response&) {});
  Request req;
  Response res;
  bool auth = false;
  req.method = "GET";
  req.path = "/api/v1/t\xf9sks/4";
  EXPECT_EQ(r.Match(req, res, &auth), nullptr);
  EXPECT_EQ(res.status, 404);
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res.body;
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_EQ(j["error"]["message"], "no route for /api/v1/t\xef\xbf\xbdsks/4");  // U+FFFD
}

TEST(Response, JsonReplacesBytesThatAreNotUtf8) {
  Response res;
  res.Json(200, {{"title", std::string("caf\xe9 \xe2\x82")}});
  EXPECT_EQ(res.body, "{\"title\":\"caf\xef\xbf\xbd \xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace minutes
