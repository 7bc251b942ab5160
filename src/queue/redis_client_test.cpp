// The Redis client against a real redis-server (Debian's), and its URL parser.
#include "queue/redis_client.hpp"

#include <gtest/gtest.h>

#include "redis_server.hpp"

namespace minutes {
namespace {

TEST(RedisUrl, ParsesEveryPart) {
  auto u = ParseRedisUrl("redis://app:s3cret@cache.internal:6380/2?prefix=mtg");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->host, "cache.internal");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->user, "app");
  EXPECT_EQ(u->password, "s3cret");
  EXPECT_EQ(u->db, 2);
  EXPECT_EQ(u->prefix, "mtg");
  auto plain = ParseRedisUrl("redis://:pw@10.0.0.5");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->user, "");
  EXPECT_EQ(plain->password, "pw");
  EXPECT_EQ(plain->db, 0);
  EXPECT_EQ(plain->prefix, "minutes");
}

TEST(RedisUrl, RejectsWhatItCannotUse) {
  for (const char* bad :
       {"http://host:6379", "redis://host/abc", "redis://host/1?db=2", "redis://host/-1"}) {
    auto u = ParseRedisUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().kind(), ErrorKind::kBadInput) << bad;
    EXPECT_NE(u.status().message().find("queue:"), std::string::npos) << u.status().message();
  }
}

TEST(RedisConnection, RunsCommandsAndPipelines) {
  testing::RedisServer redis;
  auto url = ParseRedisUrl(redis.Url("/3"));
  ASSERT_TRUE(url.ok());
  auto c = RedisConnection::Connect(*url, std::chrono::seconds(2));
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto set = (*c)->Run({"SET", "k", std::string("a\0b", 3)});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->str, "OK");
  auto replies = (*c)->Pipeline({{"GET", "k"},
                                 {"INCR", "n"},
                                 {"GET", "missing"},
                                 {"LPUSH"},
                                 {"RPUSH", "l", "x", "y"},
                                 {"LRANGE", "l", "0", "-1"}});
  ASSERT_TRUE(replies.ok());
  EXPECT_EQ((*replies)[0].str, std::string("a\0b", 3));  // binary-safe
  EXPECT_EQ((*replies)[1].integer, 1);
  EXPECT_TRUE((*replies)[2].nil());
  EXPECT_EQ((*replies)[3].type, RedisValue::Type::kError);  // wrong arity, as a value
  ASSERT_EQ((*replies)[5].elements.size(), 2u);
  EXPECT_EQ((*replies)[5].elements[1].str, "y");
  // The URL's database was selected: db 0 does not have the key.
  auto other = RedisConnection::Connect(*ParseRedisUrl(redis.Url("/0")), std::chrono::seconds(2));
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE((*other)->Run({"GET", "k"})->nil());
  auto err = (*c)->Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "nostream", ">"});
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), "NOGROUP") << err.status().message();
}

TEST(RedisConnection, AuthenticatesAndReportsAWrongPassword) {
  testing::RedisServer redis("hunter22");
  auto good = RedisConnection::Connect(*ParseRedisUrl(redis.Url()), std::chrono::seconds(2));
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ((*good)->Run({"PING"})->str, "PONG");
  auto url = *ParseRedisUrl(redis.Url());
  url.password = "wrong";
  auto bad = RedisConnection::Connect(url, std::chrono::seconds(2));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(bad.status().message().find("WRONGPASS"), std::string::npos) << bad.status().message();
}

TEST(RedisConnection, ALostServerBreaksTheConnectionWithAClearError) {
  testing::RedisServer redis;
  auto c = RedisConnection::Connect(*ParseRedisUrl(redis.Url()), std::chrono::seconds(2));
  ASSERT_TRUE(c.ok());
  redis.Stop();
  auto r = (*c)->Run({"PING"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kUnavailable);
  EXPECT_TRUE((*c)->broken());
  auto refused = RedisConnection::Connect(*ParseRedisUrl(redis.Url()), std::chrono::seconds(2));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("127.0.0.1:" + std::to_string(redis.port())),
            std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace minutes
