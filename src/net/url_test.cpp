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

TEST(MaskUrl, HidesPasswordsAndKeepsTheRest) {
  EXPECT_EQ(MaskUrl("openai://:sk-secret@api.x.com/v1?model=m"),
            "openai://:****@api.x.com/v1?model=m");
  EXPECT_EQ(MaskUrl("redis://app:pw@cache:6379/0"), "redis://app:****@cache:6379/0");
  EXPECT_EQ(MaskUrl("postgresql://u:a:b@h/db"), "postgresql://u:****@h/db");  // ':' in it
  EXPECT_EQ(MaskUrl("http://host/x?mail=a@b"), "http://host/x?mail=a@b");
  EXPECT_EQ(MaskUrl("http://host/p@q"), "http://host/p@q");
  EXPECT_EQ(MaskUrl("sqlite:///var/lib/minutes.db"), "sqlite:///var/lib/minutes.db");
  EXPECT_EQ(MaskUrl("file:///srv/a@b/objects"), "file:///srv/a@b/objects");
}

TEST(MaskUrl, AUserWithoutPasswordIsASecretExceptInPostgresUrls) {
  // openai://KEY@host and redis://PASSWORD@host put the secret where a user name would be.
  EXPECT_EQ(MaskUrl("openai://sk-live-123@api.openai.com/v1?model=m"),
            "openai://****@api.openai.com/v1?model=m");
  EXPECT_EQ(MaskUrl("redis://s3cret@cache:6379"), "redis://****@cache:6379");
  EXPECT_EQ(MaskUrl("https://ghp_token@api.example.com/x", UrlMasking::kOtherUrl),
            "https://****@api.example.com/x");
  EXPECT_EQ(MaskUrl("http://@host/x"), "http://****@host/x");
  EXPECT_EQ(MaskUrl("postgresql://app@db/minutes"), "postgresql://app@db/minutes");
  EXPECT_EQ(MaskUrl("POSTGRES://app@db/minutes"), "POSTGRES://app@db/minutes");
}

TEST(MaskUrl, PasswordsHoldingDelimitersAreMaskedWhole) {
  // Unescaped '@', '/', '?', '#' and spaces: not valid URLs, but what people write.
  EXPECT_EQ(MaskUrl("redis://:p@ss@cache:6379/0"), "redis://:****@cache:6379/0");
  EXPECT_EQ(MaskUrl("openai://:s e/c@ret@h/v1"), "openai://:****@h/v1");
  EXPECT_EQ(MaskUrl("redis://:a/b@cache/0"), "redis://:****@cache/0");
  EXPECT_EQ(MaskUrl("redis://:12?34@cache/0"), "redis://:****@cache/0");
  EXPECT_EQ(MaskUrl("postgresql://u:12#34@db/minutes"), "postgresql://u:****@db/minutes");
  EXPECT_EQ(MaskUrl("postgresql://u:pa?ss@db/minutes?sslmode=require"),
            "postgresql://u:****@db/minutes?sslmode=require");
  // A '@' in a query with no path before it: too much is masked, never too little.
  EXPECT_EQ(MaskUrl("http://host?to=a@b"), "http://****@b");
}

TEST(MaskUrl, SecretNamedQueryParametersAreMasked) {
  EXPECT_EQ(MaskUrl("s3://b/p?endpoint=http://minio:9000&secret_key=AKIA&region=eu"),
            "s3://b/p?endpoint=http://minio:9000&secret_key=****&region=eu");
  EXPECT_EQ(MaskUrl("postgresql://u@db/m?sslmode=require&password=pw&Api_Token=t#frag"),
            "postgresql://u@db/m?sslmode=require&password=****&Api_Token=****#frag");
  EXPECT_EQ(MaskUrl("http://h/x?secret%5Fkey=abc&flag&"), "http://h/x?secret%5Fkey=****&flag&");
  EXPECT_EQ(MaskUrl("openai://:k@h/v1?model=m&key_env=OPENAI_KEY"),
            "openai://:****@h/v1?model=m&key_env=OPENAI_KEY");  // names a variable
}

TEST(MaskUrl, OtherUrlsShowOnlySchemeHostPortAndPath) {
  // Webhooks, presigned and model URLs: their user names and query parameters are anyone's.
  EXPECT_EQ(
      MaskUrl("https://bob:hunter2@hooks.example.com:8443/in?token=x#f", UrlMasking::kOtherUrl),
      "https://****@hooks.example.com:8443/in");
  EXPECT_EQ(MaskUrl("https://b.s3.amazonaws.com/k?X-Amz-Signature=abc", UrlMasking::kOtherUrl),
            "https://b.s3.amazonaws.com/k");
  EXPECT_EQ(MaskUrl("http://host:1/x#frag", UrlMasking::kOtherUrl), "http://host:1/x");
}

TEST(MaskUrl, Ipv6Hosts) {
  EXPECT_EQ(MaskUrl("redis://:pw@[::1]:6379/0"), "redis://:****@[::1]:6379/0");
  EXPECT_EQ(MaskUrl("http://[2001:db8::1]:8080/x?token=t"),
            "http://[2001:db8::1]:8080/x?token=****");
  EXPECT_EQ(MaskUrl("http://u:p@[fe80::1]/x?q=1", UrlMasking::kOtherUrl),
            "http://****@[fe80::1]/x");
}

TEST(MaskUrl, TextWithoutASchemeIsLeftAloneUnlessItNamesAUrl) {
  // Config show passes every string field through MaskUrl.
  for (const std::string text : {"pocketsphinx", "Meet @ noon?", "a:b@c", "", "whisper:base"})
    EXPECT_EQ(MaskUrl(text), text);
  // A URL missing its scheme, in a message about it.
  EXPECT_EQ(MaskUrl("app:pw@cache:6379/0?x=1", UrlMasking::kOtherUrl), "****@cache:6379/0");
  EXPECT_EQ(MaskUrl("cache:6379/0", UrlMasking::kOtherUrl), "cache:6379/0");
}

TEST(MaskUrl, MaskingTwiceChangesNothing) {
  // `config show` prints what MaskUrl returns; loaded back and shown again it must not change.
  for (const std::string url :
       {"redis://:p@ss@cache:6379/0", "openai://sk@h/v1?model=m&api_key=k", "http://host?to=a@b",
        "postgresql://u:12#34@db/m", "redis://:a/b@cache/0", "http://@h", "s3://b?secret_key=",
        "redis://:pw@[::1]:6379/0", "openai://:s e/c@ret@h/v1", "us@er:pw@h", "x://a:b:c@d"}) {
    for (UrlMasking q : {UrlMasking::kConfigUrl, UrlMasking::kOtherUrl}) {
      const std::string once = MaskUrl(url, q);
      EXPECT_EQ(MaskUrl(once, q), once) << url;
    }
  }
}

}  // namespace
}  // namespace minutes
