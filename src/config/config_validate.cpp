// Derived defaults and validation; every message starts with the key path.
#include <arpa/inet.h>

#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "config/config_fields.hpp"
#include "net/url.hpp"

namespace minutes::config_detail {
namespace {

// UTF-8 (nlohmann's strict serializer checks it) without control characters.
bool IsPrintableText(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

bool IsCidr(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  std::string addr = text.substr(0, slash);
  unsigned char buf[16];
  int max_bits = 0;
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) {
    max_bits = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
    max_bits = 128;
  } else {
    return false;
  }
  auto bits = ParseInt("", text.substr(slash + 1));
  return bits.ok() && text.size() > slash + 1 && text[slash + 1] != '+' && text[slash + 1] != '-' &&
         *bits >= 0 && *bits <= max_bits;
}

bool StartsWithAny(const std::string& s, std::initializer_list<const char*> prefixes) {
  for (const char* p : prefixes) {
    if (s.starts_with(p)) return true;
  }
  return false;
}

Status OneOf(const std::string& path, const std::string& value,
             std::initializer_list<const char*> allowed, const std::string& shown) {
  for (const char* a : allowed) {
    if (value == a) return Status::Ok();
  }
  return Status::BadInput(path + ": must be one of " + shown + ", got \"" + value + "\"");
}

Status AtLeast(const std::string& path, int value, int min) {
  if (value >= min) return Status::Ok();
  return Status::BadInput(path + ": must be >= " + std::to_string(min) + ", got " +
                          std::to_string(value));
}

Status Between(const std::string& path, int value, int min, int max) {
  if (value >= min && value <= max) return Status::Ok();
  return Status::BadInput(path + ": must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got " + std::to_string(value));
}

/// The HTTP edge's threads, timeouts and limits (ServerConfig documents each range).
Status ValidateEdge(const ServerConfig& s) {
  for (const Status& st : {
           Between("server.io_threads", s.io_threads, 0, 64),
           Between("server.handler_threads", s.handler_threads, 0, 256),
           Between("server.handler_queue", s.handler_queue, 1, 100000),
           Between("server.header_timeout_s", s.header_timeout_s, 1, 3600),
           Between("server.body_idle_timeout_s", s.body_idle_timeout_s, 1, 3600),
           Between("server.keepalive_timeout_s", s.keepalive_timeout_s, 1, 3600),
           Between("server.request_timeout_s", s.request_timeout_s, 1, 3600),
           Between("server.max_header_bytes", s.max_header_bytes, 1024, 1048576),
           Between("server.max_request_line_bytes", s.max_request_line_bytes, 256, 1048576),
           Between("server.max_connections", s.max_connections, 1, 1000000),
           Between("server.max_connections_per_client", s.max_connections_per_client, 1, 1000000),
           Between("server.max_streams_per_user", s.max_streams_per_user, 1, 100000),
           Between("server.sse_heartbeat_s", s.sse_heartbeat_s, 1, 3600),
           Between("server.drain_timeout_s", s.drain_timeout_s, 0, 3600),
       }) {
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace

Status DeriveAndValidate(Config& c) {
  if (c.data_dir.empty()) return Status::BadInput("data_dir: must not be empty");
  if (c.database.empty()) c.database = "sqlite://" + c.data_dir + "/minutes.db";
  if (c.storage.empty()) c.storage = "file://" + c.data_dir + "/objects";

  if (c.server.host.empty()) return Status::BadInput("server.host: must not be empty");
  if (c.server.port < 0 || c.server.port > 65535) {
    return Status::BadInput("server.port: must be between 0 (any free port) and 65535, got " +
                            std::to_string(c.server.port));
  }
  if (c.worker.status_port < -1 || c.worker.status_port > 65535) {
    return Status::BadInput(
        "worker.status_port: must be -1 (off), 0 (any free port) or a port up to 65535, got " +
        std::to_string(c.worker.status_port));
  }
  for (const Status& st :
       {AtLeast("server.workers", c.server.workers, 0),
        AtLeast("server.max_upload_mb", c.server.max_upload_mb, 1),
        AtLeast("auth.jwt_ttl_s", c.auth.jwt_ttl_s, 1), AtLeast("asr.threads", c.asr.threads, 0),
        AtLeast("worker.concurrency", c.worker.concurrency, 1),
        AtLeast("worker.lease_s", c.worker.lease_s, 2),
        AtLeast("worker.max_attempts", c.worker.max_attempts, 1),
        AtLeast("worker.temp_ttl_s", c.worker.temp_ttl_s, 0),
        Between("worker.light_threads", c.worker.light_threads, 1, 64),
        Between("worker.max_running_per_tenant", c.worker.max_running_per_tenant, 0, 10000),
        Between("worker.max_light_running_per_tenant", c.worker.max_light_running_per_tenant, 0,
                10000),
        AtLeast("webhooks.max_attempts", c.webhooks.max_attempts, 1),
        AtLeast("webhooks.timeout_s", c.webhooks.timeout_s, 1),
        Between("webhooks.max_per_tenant", c.webhooks.max_per_tenant, 1, 1000),
        AtLeast("health.min_free_mb", c.health.min_free_mb, 0),
        Between("health.min_free_percent", c.health.min_free_percent, 0, 100),
        OneOf("auth.jwt_algorithm", c.auth.jwt_algorithm, {"HS256", "RS256"}, "HS256|RS256"),
        OneOf("log.level", c.log.level, {"trace", "debug", "info", "warn", "error"},
              "trace|debug|info|warn|error"),
        OneOf("log.format", c.log.format, {"auto", "json", "text"}, "auto|json|text")}) {
    if (!st.ok()) return st;
  }
  if (Status st = ValidateEdge(c.server); !st.ok()) return st;
  for (const Status& st : {
           Between("minutes.template_max_kb", c.minutes.template_max_kb, 1, 1024),
           Between("minutes.template_max_depth", c.minutes.template_max_depth, 1, 32),
           Between("minutes.render_max_kb", c.minutes.render_max_kb, 16, 65536),
           Between("minutes.render_timeout_ms", c.minutes.render_timeout_ms, 10, 60000),
       }) {
    if (!st.ok()) return st;
  }
  for (const Status& st : {
           Between("limits.max_duration_s", c.limits.max_duration_s, 1, 604800),
           AtLeast("limits.tenant_storage_mb", c.limits.tenant_storage_mb, 0),
           Between("limits.tenant_queued_tasks", c.limits.tenant_queued_tasks, 0, 1000000),
           Between("limits.user_uploads_per_minute", c.limits.user_uploads_per_minute, 0, 100000),
           AtLeast("limits.user_upload_mb_per_hour", c.limits.user_upload_mb_per_hour, 0),
       }) {
    if (!st.ok()) return st;
  }
  const AuthConfig& a = c.auth;
  for (const Status& st : {
           Between("auth.password_min_length", a.password_min_length, 8, 256),
           Between("auth.login_free_failures", a.login_free_failures, 1, 1000),
           Between("auth.login_free_failures_per_address", a.login_free_failures_per_address, 1,
                   100000),
           Between("auth.login_delay_base_s", a.login_delay_base_s, 1, 3600),
           Between("auth.login_delay_max_s", a.login_delay_max_s, a.login_delay_base_s, 86400),
           Between("auth.password_hash_concurrency", a.password_hash_concurrency, 1, 64),
           Between("auth.password_hash_queue", a.password_hash_queue, 0, 1000),
       }) {
    if (!st.ok()) return st;
  }
  for (size_t i = 0; i < c.server.trusted_proxies.size(); ++i) {
    if (!IsCidr(c.server.trusted_proxies[i])) {
      return Status::BadInput("server.trusted_proxies[" + std::to_string(i) +
                              "]: not a valid IPv4/IPv6 CIDR, got \"" +
                              c.server.trusted_proxies[i] + "\"");
    }
  }
  for (size_t i = 0; i < c.auth.gateway_cidrs.size(); ++i) {
    if (!IsCidr(c.auth.gateway_cidrs[i])) {
      return Status::BadInput("auth.gateway_cidrs[" + std::to_string(i) +
                              "]: not a valid IPv4/IPv6 CIDR, got \"" + c.auth.gateway_cidrs[i] +
                              "\"");
    }
  }
  if (!c.auth.gateway_secret.empty() && c.auth.gateway_secret.size() < 16)
    return Status::BadInput("auth.gateway_secret: must be at least 16 characters");
  if (c.auth.jwt_algorithm == "RS256" &&
      (c.auth.jwt_private_key_file.empty() || c.auth.jwt_public_key_file.empty()))
    return Status::BadInput(
        "auth.jwt_private_key_file: RS256 needs jwt_private_key_file and jwt_public_key_file");
  if (!StartsWithAny(c.database, {"sqlite://", "postgresql://"})) {
    return Status::BadInput("database: must start with sqlite:// or postgresql://, got \"" +
                            MaskUrl(c.database, UrlMasking::kOtherUrl) + "\"");
  }
  if (!StartsWithAny(c.storage, {"file://", "s3://"})) {
    return Status::BadInput("storage: must start with file:// or s3://, got \"" +
                            MaskUrl(c.storage, UrlMasking::kOtherUrl) + "\"");
  }
  if (c.queue != "database" && !c.queue.starts_with("redis://")) {
    return Status::BadInput("queue: must be \"database\" or a redis:// URL, got \"" +
                            MaskUrl(c.queue, UrlMasking::kOtherUrl) + "\"");
  }
  for (const auto& [name, price] : c.prices) {
    if (name.empty()) return Status::BadInput("prices: empty model name");
    // Keys name a provider, model and unit; control characters or bytes that are not UTF-8
    // could never match a provider call, and print alike (so `config show` would not load back).
    if (!IsPrintableText(name)) {
      std::string shown;
      for (unsigned char k : name) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", k);
        shown += (k >= 0x20 && k < 0x7f) ? std::string(1, static_cast<char>(k)) : hex;
      }
      return Status::BadInput("prices: \"" + shown +
                              "\" is not a name (control characters or bytes that are not UTF-8)");
    }
    if (price < 0) return Status::BadInput("prices." + name + ": must be >= 0");
  }
  return Status::Ok();
}

}  // namespace minutes::config_detail
