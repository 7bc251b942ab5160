// ShowConfig: the effective config as YAML, secrets masked.
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>

#include "config/config.hpp"
#include "config/config_fields.hpp"

namespace minutes {
namespace config_detail {

bool IsSecretKey(std::string_view key) {
  std::string lower;
  for (char ch : key) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* suffix : {"secret", "password", "passwd", "token", "key"}) {
    if (lower.ends_with(suffix)) return true;
  }
  return false;
}

std::string MaskUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t start = scheme + 3;
  // The last '@' before any query wins, so a password containing '/' is still masked.
  size_t end = url.find_first_of("?#", start);
  if (end == std::string::npos) end = url.size();
  std::string out = url;
  size_t at = url.rfind('@', end);
  if (at != std::string::npos && at >= start) {
    size_t colon = url.find(':', start);
    if (colon < at) out = url.substr(0, colon + 1) + "****" + url.substr(at);
  }
  size_t query = out.find('?');
  if (query == std::string::npos) return out;
  std::string masked = out.substr(0, query + 1);
  size_t pos = query + 1;
  while (pos <= out.size()) {
    size_t amp = out.find('&', pos);
    if (amp == std::string::npos) amp = out.size();
    std::string param = out.substr(pos, amp - pos);
    size_t eq = param.find('=');
    if (eq != std::string::npos && IsSecretKey(param.substr(0, eq))) {
      param = param.substr(0, eq + 1) + "****";
    }
    masked += param + (amp < out.size() ? "&" : "");
    pos = amp + 1;
  }
  return masked;
}

}  // namespace config_detail
namespace {

/// Doubles every `${` to `$${` so LoadConfig reads the text back literally.
std::string EscapeDollar(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "${") == 0) out += '$';
    out += text[i];
  }
  return out;
}

std::string Shortest(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

void EmitValue(YAML::Emitter& out, const std::string& key, const config_detail::FieldRef& ref) {
  if (auto* s = std::get_if<std::string*>(&ref)) {
    std::string shown = EscapeDollar(config_detail::MaskUrl(**s));
    if (config_detail::IsSecretKey(key)) shown = (*s)->empty() ? "" : "****";
    out << YAML::DoubleQuoted << shown;
  } else if (auto* i = std::get_if<int*>(&ref)) {
    out << **i;
  } else if (auto* flag = std::get_if<bool*>(&ref)) {
    out << **flag;
  } else if (auto* list = std::get_if<std::vector<std::string>*>(&ref)) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : **list)
      out << YAML::DoubleQuoted << EscapeDollar(config_detail::MaskUrl(item));
    out << YAML::EndSeq;
  } else {
    auto* map = std::get<std::map<std::string, double>*>(ref);
    if (map->empty()) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& [name, price] : *map) {
      out << YAML::Key << YAML::DoubleQuoted << name << YAML::Value << Shortest(price);
    }
    out << YAML::EndMap;
  }
}

}  // namespace

std::string ShowConfig(const Config& config) {
  Config copy = config;  // Fields() needs mutable pointers; printing never writes through them
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string section;
  for (const auto& field : config_detail::Fields(copy)) {
    if (field.path.starts_with("storage.")) continue;  // shown with `storage` below
    size_t dot = field.path.find('.');
    std::string sec = dot == std::string::npos ? "" : field.path.substr(0, dot);
    std::string key = dot == std::string::npos ? field.path : field.path.substr(dot + 1);
    if (sec != section) {
      if (!section.empty()) out << YAML::EndMap;
      if (!sec.empty()) out << YAML::Key << sec << YAML::Value << YAML::BeginMap;
      section = sec;
    }
    out << YAML::Key << key << YAML::Value;
    if (field.path == "storage" &&
        !(config.storage_access_key.empty() && config.storage_secret_key.empty())) {
      out << YAML::BeginMap << YAML::Key << "url" << YAML::Value;
      EmitValue(out, "url", field.ref);
      for (auto [name, value] : {std::pair{"access_key", &config.storage_access_key},
                                 std::pair{"secret_key", &config.storage_secret_key}})
        out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted
            << (value->empty() ? "" : "****");
      out << YAML::EndMap;
      continue;
    }
    EmitValue(out, key, field.ref);
  }
  if (!section.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace minutes
