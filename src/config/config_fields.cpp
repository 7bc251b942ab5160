#include "config/config_fields.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace minutes::config_detail {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string part = Trim(std::string_view(text).substr(start, end - start));
    if (!part.empty()) parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::vector<Field> Fields(Config& c) {
  return {
      {"server.host", &c.server.host},
      {"server.port", &c.server.port},
      {"server.workers", &c.server.workers},
      {"server.max_upload_mb", &c.server.max_upload_mb},
      {"server.trusted_proxies", &c.server.trusted_proxies},
      {"server.assets_dir", &c.server.assets_dir},
      {"server.web_dir", &c.server.web_dir},
      {"server.io_threads", &c.server.io_threads},
      {"server.handler_threads", &c.server.handler_threads},
      {"server.handler_queue", &c.server.handler_queue},
      {"server.header_timeout_s", &c.server.header_timeout_s},
      {"server.body_idle_timeout_s", &c.server.body_idle_timeout_s},
      {"server.keepalive_timeout_s", &c.server.keepalive_timeout_s},
      {"server.request_timeout_s", &c.server.request_timeout_s},
      {"server.max_header_bytes", &c.server.max_header_bytes},
      {"server.max_request_line_bytes", &c.server.max_request_line_bytes},
      {"server.max_connections", &c.server.max_connections},
      {"server.max_connections_per_client", &c.server.max_connections_per_client},
      {"server.max_streams_per_user", &c.server.max_streams_per_user},
      {"server.sse_heartbeat_s", &c.server.sse_heartbeat_s},
      {"server.drain_timeout_s", &c.server.drain_timeout_s},
      {"data_dir", &c.data_dir},
      {"database", &c.database},
      {"storage", &c.storage},
      {"storage.url", &c.storage},  // the map form: storage: {url, access_key, secret_key}
      {"storage.access_key", &c.storage_access_key},
      {"storage.secret_key", &c.storage_secret_key},
      {"queue", &c.queue},
      {"auth.jwt_secret", &c.auth.jwt_secret},
      {"auth.jwt_ttl_s", &c.auth.jwt_ttl_s},
      {"auth.api_key_prefix", &c.auth.api_key_prefix},
      {"auth.jwt_algorithm", &c.auth.jwt_algorithm},
      {"auth.jwt_private_key_file", &c.auth.jwt_private_key_file},
      {"auth.jwt_public_key_file", &c.auth.jwt_public_key_file},
      {"auth.gateway_cidrs", &c.auth.gateway_cidrs},
      {"auth.gateway_secret", &c.auth.gateway_secret},
      {"auth.external_jwt_public_key_file", &c.auth.external_jwt_public_key_file},
      {"auth.external_jwt_jwks_file", &c.auth.external_jwt_jwks_file},
      {"auth.external_jwt_issuer", &c.auth.external_jwt_issuer},
      {"auth.external_jwt_audience", &c.auth.external_jwt_audience},
      {"auth.external_jwt_tenant_claim", &c.auth.external_jwt_tenant_claim},
      {"auth.external_jwt_role_claim", &c.auth.external_jwt_role_claim},
      {"auth.password_min_length", &c.auth.password_min_length},
      {"auth.login_free_failures", &c.auth.login_free_failures},
      {"auth.login_free_failures_per_address", &c.auth.login_free_failures_per_address},
      {"auth.login_delay_base_s", &c.auth.login_delay_base_s},
      {"auth.login_delay_max_s", &c.auth.login_delay_max_s},
      {"auth.password_hash_concurrency", &c.auth.password_hash_concurrency},
      {"auth.password_hash_queue", &c.auth.password_hash_queue},
      {"asr.engine", &c.asr.engine},
      {"asr.model", &c.asr.model},
      {"asr.threads", &c.asr.threads},
      {"asr.language", &c.asr.language},
      {"asr.fallback", &c.asr.fallback},
      {"asr.models_dir", &c.asr.models_dir},
      {"asr.models_url", &c.asr.models_url},
      {"minutes.template", &c.minutes.template_name},
      {"minutes.templates_dir", &c.minutes.templates_dir},
      {"minutes.template_max_kb", &c.minutes.template_max_kb},
      {"minutes.template_max_depth", &c.minutes.template_max_depth},
      {"minutes.render_max_kb", &c.minutes.render_max_kb},
      {"minutes.render_timeout_ms", &c.minutes.render_timeout_ms},
      {"llm.chain", &c.llm.chain},
      {"worker.concurrency", &c.worker.concurrency},
      {"worker.lease_s", &c.worker.lease_s},
      {"worker.max_attempts", &c.worker.max_attempts},
      {"worker.temp_dir", &c.worker.temp_dir},
      {"worker.status_port", &c.worker.status_port},
      {"worker.temp_ttl_s", &c.worker.temp_ttl_s},
      {"worker.status_host", &c.worker.status_host},
      {"worker.light_threads", &c.worker.light_threads},
      {"worker.max_running_per_tenant", &c.worker.max_running_per_tenant},
      {"worker.max_light_running_per_tenant", &c.worker.max_light_running_per_tenant},
      {"webhooks.max_attempts", &c.webhooks.max_attempts},
      {"webhooks.timeout_s", &c.webhooks.timeout_s},
      {"webhooks.max_per_tenant", &c.webhooks.max_per_tenant},
      {"webhooks.allow_private_networks", &c.webhooks.allow_private_networks},
      {"health.min_free_mb", &c.health.min_free_mb},
      {"health.min_free_percent", &c.health.min_free_percent},
      {"limits.max_duration_s", &c.limits.max_duration_s},
      {"limits.tenant_storage_mb", &c.limits.tenant_storage_mb},
      {"limits.tenant_queued_tasks", &c.limits.tenant_queued_tasks},
      {"limits.user_uploads_per_minute", &c.limits.user_uploads_per_minute},
      {"limits.user_upload_mb_per_hour", &c.limits.user_upload_mb_per_hour},
      {"log.level", &c.log.level},
      {"log.format", &c.log.format},
      {"prices", &c.prices},
  };
}

std::string EnvName(std::string_view path) {
  std::string name = "MINUTES_";
  for (char ch : path) {
    name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return name;
}

Result<int> ParseInt(const std::string& path, const std::string& text) {
  std::string t = Trim(text);
  int value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    return Status::BadInput(path + ": expected an integer, got \"" + text + "\"");
  }
  return value;
}

Result<double> ParseDouble(const std::string& path, const std::string& text) {
  std::string t = Trim(text);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    return Status::BadInput(path + ": expected a number, got \"" + text + "\"");
  }
  return value;
}

Result<bool> ParseBool(const std::string& path, const std::string& text) {
  std::string t = Trim(text);
  for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return false;
  return Status::BadInput(path + ": expected true or false, got \"" + text + "\"");
}

Status AssignText(const Field& field, const std::string& text) {
  if (auto* s = std::get_if<std::string*>(&field.ref)) {
    **s = text;
  } else if (auto* i = std::get_if<int*>(&field.ref)) {
    auto v = ParseInt(field.path, text);
    if (!v.ok()) return v.status();
    **i = *v;
  } else if (auto* flag = std::get_if<bool*>(&field.ref)) {
    auto v = ParseBool(field.path, text);
    if (!v.ok()) return v.status();
    **flag = *v;
  } else if (auto* list = std::get_if<std::vector<std::string>*>(&field.ref)) {
    **list = SplitCommas(text);
  } else {
    auto* map = std::get<std::map<std::string, double>*>(field.ref);
    map->clear();
    for (const auto& item : SplitCommas(text)) {
      size_t eq = item.find('=');
      if (eq == std::string::npos) {
        return Status::BadInput(field.path + ": expected name=price, got \"" + item + "\"");
      }
      std::string name = Trim(std::string_view(item).substr(0, eq));
      auto v = ParseDouble(field.path + "." + name, item.substr(eq + 1));
      if (!v.ok()) return v.status();
      (*map)[name] = *v;
    }
  }
  return Status::Ok();
}

Result<std::string> Interpolate(const std::string& path, const std::string& text,
                                const std::map<std::string, std::string>& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
    } else if (text.compare(i, 2, "${") == 0) {
      size_t close = text.find('}', i + 2);
      if (close == std::string::npos) {
        return Status::BadInput(path + ": unterminated ${ in value");
      }
      std::string var = text.substr(i + 2, close - i - 2);
      auto it = env.find(var);
      if (var.empty() || it == env.end()) {
        return Status::BadInput(path + ": environment variable ${" + var + "} is not set");
      }
      out += it->second;
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace minutes::config_detail
