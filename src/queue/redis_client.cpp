#include "queue/redis_client.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <hiredis/hiredis.h>

namespace minutes {
namespace {

RedisValue Convert(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      v.type = RedisValue::Type::kString;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      v.type = RedisValue::Type::kError;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      v.type = RedisValue::Type::kInteger;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      v.type = RedisValue::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) v.elements.push_back(Convert(r->element[i]));
      break;
    default:
      break;
  }
  return v;
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

}  // namespace

Result<RedisUrl> ParseRedisUrl(const std::string& url) {
  RedisUrl out;
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "redis")
      return Status::BadInput("queue: expected a redis:// URL, got scheme \"" + uri.getScheme() +
                              "\"");
    if (!uri.getHost().empty()) out.host = uri.getHost();
    if (uri.getPort() != 0) out.port = uri.getPort();
    std::string info = uri.getUserInfo();
    if (auto colon = info.find(':'); colon != std::string::npos) {
      out.user = info.substr(0, colon);
      out.password = info.substr(colon + 1);
    } else {
      out.password = info;  // redis://secret@host: a password alone, as redis-cli reads it
    }
    std::string path = uri.getPath();
    if (!path.empty() && path != "/") {
      try {
        size_t used = 0;
        out.db = std::stoi(path.substr(1), &used);
        if (used != path.size() - 1 || out.db < 0) throw std::invalid_argument("db");
      } catch (const std::exception&) {
        return Status::BadInput("queue: the path of a redis:// URL is a database number, got \"" +
                                path + "\"");
      }
    }
    for (auto& [key, value] : uri.getQueryParameters()) {
      if (key != "prefix" || value.empty())
        return Status::BadInput("queue: unknown redis:// URL parameter \"" + key +
                                "\" (only prefix=NAME)");
      out.prefix = value;
    }
  } catch (const Poco::Exception& e) {
    return Status::BadInput("queue: not a URL: " + e.displayText());
  }
  return out;
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisUrl& url, std::chrono::milliseconds timeout) {
  redisContext* c = redisConnectWithTimeout(url.host.c_str(), url.port, ToTimeval(timeout));
  std::string where = url.host + ":" + std::to_string(url.port);
  if (c == nullptr) return Status(ErrorKind::kUnavailable, "redis " + where + ": out of memory");
  if (c->err) {
    std::string why = c->errstr;
    redisFree(c);
    return Status(ErrorKind::kUnavailable, "redis " + where + ": " + why);
  }
  redisSetTimeout(c, ToTimeval(timeout));
  std::unique_ptr<RedisConnection> conn(new RedisConnection(c));
  if (!url.password.empty()) {
    RedisCommand auth = {"AUTH"};
    if (!url.user.empty()) auth.push_back(url.user);
    auth.push_back(url.password);
    auto r = conn->Run(auth);
    if (!r.ok())
      return Status(ErrorKind::kUnavailable, "redis " + where + ": " + r.status().message());
  }
  if (url.db != 0) {
    auto r = conn->Run({"SELECT", std::to_string(url.db)});
    if (!r.ok())
      return Status(ErrorKind::kUnavailable, "redis " + where + ": " + r.status().message());
  }
  return conn;
}

RedisConnection::~RedisConnection() { redisFree(c_); }

Status RedisConnection::Broken(const std::string& what) {
  broken_ = true;
  return Status(ErrorKind::kUnavailable,
                "redis: " + what + ": " + (c_->err ? c_->errstr : "connection lost"));
}

Result<RedisValue> RedisConnection::Run(const RedisCommand& command) {
  auto replies = Pipeline({command});
  if (!replies.ok()) return replies.status();
  RedisValue& v = (*replies)[0];
  if (v.type == RedisValue::Type::kError) return Status::Internal(v.str);
  return std::move(v);
}

Result<std::vector<RedisValue>> RedisConnection::Pipeline(
    const std::vector<RedisCommand>& commands) {
  if (broken_) return Status(ErrorKind::kUnavailable, "redis: connection lost");
  for (const auto& cmd : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c_, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK)
      return Broken(cmd[0]);
  }
  std::vector<RedisValue> out;
  for (const auto& cmd : commands) {
    void* raw = nullptr;
    if (redisGetReply(c_, &raw) != REDIS_OK || raw == nullptr) return Broken(cmd[0]);
    std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                       freeReplyObject);
    out.push_back(Convert(reply.get()));
  }
  return out;
}

}  // namespace minutes
