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

}  // namespace
}  // namespace minutes
