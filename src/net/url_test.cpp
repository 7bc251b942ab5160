// The URL wrapper (liburiparser): every part of the config URLs the service reads, query strings
// as POCO's URI read them, and credentials hidden in messages (request targets:
// http/request_target_test.cpp).
#include "net/url.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(Url, SplitsEveryPart) {
  auto u = ParseUrl("Redis://app:s3%2Fcr%40t@Cache.Internal:6380/2?prefix=mtg&x=a+b%2B#frag");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->scheme, "redis");
  EXPECT_EQ(u->user_info, "app:s3%2Fcr%40t");
  EXPECT_EQ(u->User(), "app");
  EXPECT_EQ(u->Password(), "s3/cr@t");
  EXPECT_EQ(u->host, "cache.internal");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->path, "/2");
  EXPECT_EQ(u->query, "prefix=mtg&x=a+b%2B");
  EXPECT_EQ(u->fragment, "frag");
  auto params = u->Params();
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(*params, (QueryParams{{"prefix", "mtg"}, {"x", "a b+"}}));
  EXPECT_EQ(u->HostPort(), "cache.internal:6380");
}

TEST(Url, LeavesOutWhatIsNotThere) {
  auto u = ParseUrl("openai://api.openai.com");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->user_info, "");
  EXPECT_EQ(u->port, 0);
  EXPECT_EQ(u->path, "");
  EXPECT_EQ(u->HostPort(), "api.openai.com");
  auto root = ParseUrl("http://h/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->path, "/");
  auto deep = ParseUrl("openai+http://:sk-x@127.0.0.1:8080/v1/x/?model=m");
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(deep->path, "/v1/x/");
  EXPECT_EQ(deep->User(), "");
  EXPECT_EQ(deep->Password(), "sk-x");
  auto v6 = ParseUrl("http://[::1]:9000/a");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->HostPort(), "[::1]:9000");
  auto bare = ParseUrl("redis://");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->host, "");
  // A query may hold another URL.
  auto nested = ParseUrl("transcribe://us-east-1?endpoint=http://127.0.0.1:9/x&name=aws");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->host, "us-east-1");
  EXPECT_EQ(*nested->Params(),
            (QueryParams{{"endpoint", "http://127.0.0.1:9/x"}, {"name", "aws"}}));
}

TEST(Url, RefusesMalformedUrlsWithoutEchoingThem) {
  for (const char* bad :
       {"", "no scheme here", "/just/a/path", "http://h:99999/", "http://h:0/", "http://a b/",
        "openai://:se cret@h/v1", "http://h/%zz", "http://[::1/"}) {
    auto u = ParseUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_EQ(u.status().kind(), ErrorKind::kBadInput) << bad;
      EXPECT_EQ(u.status().message().find("cret"), std::string::npos);
    }
  }
}

TEST(Url, DecodesPercentEscapesAndRefusesBrokenOnes) {
  EXPECT_EQ(*PercentDecode("a%20b%2fc+d"), "a b/c+d");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  for (const char* bad : {"%", "%4", "%g0", "ab%"}) EXPECT_FALSE(PercentDecode(bad).ok()) << bad;
}

TEST(Url, ReadsQueriesAsPocoDid) {
  auto q = ParseQuery("a=1&b=x+y&c&d=&=e&a=2&f=%3D%26");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(
      *q, (QueryParams{
              {"a", "1"}, {"b", "x y"}, {"c", ""}, {"d", ""}, {"", "e"}, {"a", "2"}, {"f", "=&"}}));
  EXPECT_TRUE(ParseQuery("")->empty());
  EXPECT_FALSE(ParseQuery("a=%zz").ok());
}

TEST(Url, HidesCredentials) {
  EXPECT_EQ(UrlWithoutCredentials("openai://:sk-secret@api.x.com/v1?model=m"),
            "openai://***@api.x.com/v1?model=m");
  EXPECT_EQ(UrlWithoutCredentials("redis://app:pw@cache:6379/0"), "redis://***@cache:6379/0");
  EXPECT_EQ(UrlWithoutCredentials("http://host/x?mail=a@b"), "http://host/x?mail=a@b");
  EXPECT_EQ(UrlWithoutCredentials("pocketsphinx"), "pocketsphinx");
  // Not a URL (an unescaped space, '/' and '@' in the key): masked up to the last '@'.
  EXPECT_EQ(UrlWithoutCredentials("openai://:s e/c@ret@h/v1"), "openai://***@h/v1");
}

}  // namespace
}  // namespace minutes
