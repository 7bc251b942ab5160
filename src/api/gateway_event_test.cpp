#include "api/gateway_event.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

using nlohmann::json;

json HttpApiEvent() {
  return json::parse(R"({"version":"2.0","rawPath":"/api/v1/tasks","rawQueryString":"limit=20",
    "cookies":["a=1","b=2"],"headers":{"Content-Type":"application/json"},
    "requestContext":{"http":{"method":"POST","sourceIp":"198.51.100.7"}},
    "body":"eyJ4IjoxfQ==","isBase64Encoded":true})");
}

TEST(GatewayEvent, ReadsAnHttpApiEvent) {
  auto p = ParseGatewayEvent(HttpApiEvent());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->method, "POST");
  EXPECT_EQ(p->path, "/api/v1/tasks");
  EXPECT_EQ(p->query["limit"], "20");
  EXPECT_EQ(p->headers["cookie"], "a=1; b=2");
  EXPECT_EQ(p->headers["content-type"], "application/json");
  EXPECT_EQ(p->body, R"({"x":1})");
}

// The client's query string and body reached Poco::URI and Poco::Base64Decoder, which throw on
// "%zz" and on a character outside the alphabet: an exception out of the Lambda handler (seen
// writing gateway_event_fuzz). Now a 400 naming the part.
TEST(GatewayEvent, MalformedClientPartsAreBadInput) {
  json bad_query = HttpApiEvent();
  bad_query["rawQueryString"] = "a=%zz";
  auto q = ParseGatewayEvent(bad_query);
  EXPECT_EQ(q.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(q.status().message().find("rawQueryString"), std::string::npos);
  json bad_body = HttpApiEvent();
  bad_body["body"] = "not base64!";
  auto b = ParseGatewayEvent(bad_body);
  EXPECT_EQ(b.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(b.status().message().find("base64"), std::string::npos);
}

// Members of other types threw from json's get<std::string>() and value().
TEST(GatewayEvent, MembersOfOtherTypesNeverThrow) {
  for (
      const char* text :
      {R"({"version":2,"httpMethod":"GET","path":"/x","isBase64Encoded":"yes","body":"!"})",
       R"({"version":"2.0","cookies":[1,{"a":2}],"rawPath":"/x","requestContext":{"http":{"method":"GET"}}})",
       R"({"httpMethod":"GET","path":"/x","multiValueHeaders":{"A":"x","B":[1,"b"]},
            "multiValueQueryStringParameters":{"q":[3]},"requestContext":{"identity":5}})",
       R"({"httpMethod":["GET"],"path":7})", R"([])", R"("x")"}) {
    auto p = ParseGatewayEvent(json::parse(text));
    if (p.ok()) {
      EXPECT_EQ(p->path, "/x") << text;
    } else {
      EXPECT_EQ(p.status().kind(), ErrorKind::kBadInput) << text;
    }
  }
  auto multi = ParseGatewayEvent(
      json::parse(R"({"httpMethod":"GET","path":"/x","multiValueHeaders":{"A":"x","B":[1,"b"]}})"));
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(multi->headers["b"], "b");
  EXPECT_EQ(multi->headers.count("a"), 0u);
}

}  // namespace
}  // namespace minutes
