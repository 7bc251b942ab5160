#include "queue/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

#include "net/url.hpp"

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
  auto uri = ParseUrl(url);
  if (!uri.ok()) return Status::BadInput("queue: not a URL: " + uri.status().message());
  if (uri->scheme != "redis")
    return Status::BadInput("queue: expected a redis:// URL, got scheme \"" + uri->scheme + "\"");
  if (!uri->host.empty()) out.host = uri->host;
  if (uri->port != 0) out.port = uri->port;
  if (uri->user_info.find(':') != std::string::npos) {
    out.user = uri->User();
    out.password = uri->Password();
  } else {
    out.password = uri->User();  // redis://secret@host: a password alone, as redis-cli reads it
  }
  const std::string& path = uri->path;
  if (!path.empty() && path != "/") {
    auto db = std::string_view(path).substr(1);
    auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), out.db);
    if (ec != std::errc() || end != db.data() + db.size() || out.db < 0)
      return Status::BadInput("queue: the path of a redis:// URL is a database number, got \"" +
                              path + "\"");
  }
  auto params = uri->Params();
  if (!params.ok()) return Status::BadInput("queue: " + params.status().message());
  for (auto& [key, value] : *params) {
    if (key != "prefix" || value.empty())
      return Status::BadInput("queue: unknown redis:// URL parameter \"" + key +
                              "\" (only prefix=NAME)");
    out.prefix = value;
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
  // An error reply starts with its code, by convention an upper-case word ("NOGROUP No such…").
  if (v.type == RedisValue::Type::kError)
    return Status::Internal(v.str).WithCode(v.str.substr(0, v.str.find(' ')));
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
