#pragma once
// A small synchronous Redis client on hiredis: connect from a redis:// URL, run a command (or a
// pipeline of them), get the reply as a plain value tree.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"

struct redisContext;

namespace minutes {

/// redis://[[user]:password@]host[:port][/db][?prefix=NAME]
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user, password;
  int db = 0;
  std::string prefix = "minutes";  ///< of every key this service uses
};
Result<RedisUrl> ParseRedisUrl(const std::string& url);

/// A reply: nil, a status or bulk string, an integer, an array, or an error (`error` set).
struct RedisValue {
  enum class Type { kNil, kString, kInteger, kArray, kError } type = Type::kNil;
  std::string str;
  long long integer = 0;
  std::vector<RedisValue> elements;
  bool nil() const { return type == Type::kNil; }
};

using RedisCommand = std::vector<std::string>;

/// One connection; not thread-safe (use one per thread). After a network error it is broken
/// and every command fails with kUnavailable: drop it and connect again.
class RedisConnection {
 public:
  /// Connects, authenticates and selects the database; `timeout` bounds connect and each reply.
  static Result<std::unique_ptr<RedisConnection>> Connect(const RedisUrl& url,
                                                          std::chrono::milliseconds timeout);
  ~RedisConnection();
  /// Runs one command. An error reply is a Status (kInternal) carrying Redis's message, e.g.
  /// "NOGROUP No such key…"; a lost connection is kUnavailable.
  Result<RedisValue> Run(const RedisCommand& command);
  /// Sends several commands in one round trip; error replies come back as values.
  Result<std::vector<RedisValue>> Pipeline(const std::vector<RedisCommand>& commands);
  bool broken() const { return broken_; }

 private:
  explicit RedisConnection(redisContext* c) : c_(c) {}
  Status Broken(const std::string& what);
  redisContext* c_;
  bool broken_ = false;
};

}  // namespace minutes
