// The API's own description: every registered route is in /openapi.json, and /docs and
// /redoc load their files locally.
#include <gtest/gtest.h>

#include <regex>

#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

TEST(OpenApi, DescribesEveryRouteAndTheDocsPagesLoadLocally) {
  TestService svc("openapi", {{"alice", "acme", false}}, {"--workers", "0"});
  ASSERT_GT(svc.port(), 0);
  auto r = Call(svc.port(), "GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  // A route registered without a description is listed here: that is a failure.
  EXPECT_FALSE(doc.contains("x-undocumented")) << doc["x-undocumented"].dump();
  // The routes are all there.
  for (const char* p : {"/api/v1/auth/login",
                        "/api/v1/tasks",
                        "/api/v1/tasks/{id}",
                        "/api/v1/tasks/{id}/events",
                        "/api/v1/tasks/{id}/audio",
                        "/api/v1/tasks/{id}/transcript",
                        "/api/v1/tasks/{id}/speakers",
                        "/api/v1/tasks/{id}/minutes",
                        "/api/v1/templates",
                        "/api/v1/templates/{name}",
                        "/api/v1/hotword-sets",
                        "/api/v1/hotword-sets/{id}",
                        "/api/v1/users",
                        "/api/v1/audit-logs",
                        "/api/v1/usage",
                        "/api/v1/webhooks",
                        "/api/v1/uploads",
                        "/api/v1/uploads/{id}/complete",
                        "/health",
                        "/health/ready",
                        "/metrics",
                        "/openapi.json",
                        "/docs",
                        "/redoc"})
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      EXPECT_FALSE(op["summary"].get<std::string>().empty()) << method << " " << path;
      EXPECT_FALSE(op["responses"].empty()) << method << " " << path;
      for (auto& p : op["parameters"])
        if (p["in"] == "path")
          EXPECT_NE(path.find("{" + p["name"].get<std::string>() + "}"), std::string::npos) << path;
      // Every {param} in the path is declared.
      std::regex param("\\{([a-z_]+)\\}");
      for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it) {
        bool declared = false;
        for (auto& p : op["parameters"]) declared |= p["name"] == (*it)[1].str();
        EXPECT_TRUE(declared) << path << " " << (*it)[1];
      }
    }
  EXPECT_TRUE(doc["paths"]["/api/v1/tasks"]["post"]["requestBody"]["content"].contains(
      "multipart/form-data"));
  // The UIs reference only local files, and those are served with the right types.
  for (const char* page : {"/docs", "/redoc"}) {
    auto html = Call(svc.port(), "GET", page);
    ASSERT_EQ(html.status, 200);
    EXPECT_EQ(html.body.find("http"), std::string::npos) << page << " refers to another host";
    std::regex ref("(?:src|href)=\"(/[^\"]+)\"");
    int assets = 0;
    for (std::sregex_iterator it(html.body.begin(), html.body.end(), ref), end; it != end;
         ++it, ++assets) {
      auto a = Call(svc.port(), "GET", (*it)[1].str());
      EXPECT_EQ(a.status, 200) << (*it)[1];
      EXPECT_GT(a.body.size(), 1000u) << (*it)[1];
      std::string want = (*it)[1].str().ends_with(".css") ? "text/css" : "text/javascript";
      EXPECT_EQ(a.headers["Content-Type"].rfind(want, 0), 0u) << (*it)[1];
    }
    EXPECT_GE(assets, 1) << page;
  }
  for (const char* bad :
       {"/docs/assets/..%2f..%2f..%2fetc%2fpasswd", "/docs/assets/../../etc/passwd",
        "/redoc/assets/%2e%2e", "/docs/assets/package.json"})
    EXPECT_EQ(Call(svc.port(), "GET", bad).status, 404) << bad;
}

}  // namespace
}  // namespace minutes
