#include "http/request_target.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

using Query = std::map<std::string, std::string>;
constexpr size_t kMax = 8 * 1024;

TEST(RequestTarget, SplitsRequestTargets) {
  auto t = ParseRequestTarget("/api/v1/tasks/a%20b?limit=5&q=x+y#ignored", kMax);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/api/v1/tasks/a b");
  EXPECT_EQ(t->query, (Query{{"limit", "5"}, {"q", "x y"}}));
  // Characters RFC 3986 leaves out but browsers send unescaped in queries are taken as sent.
  auto lax = ParseRequestTarget("/search?q=[a]|{b}", kMax);
  ASSERT_TRUE(lax.ok());
  EXPECT_EQ(lax->query, (Query{{"q", "[a]|{b}"}}));
  auto absolute = ParseRequestTarget("http://example.com:8000/health?x=1", kMax);
  ASSERT_TRUE(absolute.ok());
  EXPECT_EQ(absolute->path, "/health");
  EXPECT_EQ(absolute->query, (Query{{"x", "1"}}));
  EXPECT_EQ(ParseRequestTarget("//double/slash", kMax)->path, "//double/slash");
  // A repeated name: the last one wins.
  EXPECT_EQ(ParseRequestTarget("/x?a=1&a=2", kMax)->query, (Query{{"a", "2"}}));
  for (const char* bad : {"*", "", "tasks", "http://example.com", "ftp://h/x", "/a%zz", "/a?b=%"}) {
    auto r = ParseRequestTarget(bad, kMax);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput) << bad;
  }
}

TEST(RequestTarget, TooLongIsTooLarge) {
  auto r = ParseRequestTarget("/" + std::string(kMax, 'a'), kMax);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kTooLarge);
  EXPECT_TRUE(ParseRequestTarget("/" + std::string(kMax - 1, 'a'), kMax).ok());
}

}  // namespace
}  // namespace minutes
