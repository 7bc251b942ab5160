// ShowConfig: the effective config as YAML, secrets masked.
#include <yaml-cpp/yaml.h>

#include <charconv>

#include "config/config.hpp"
#include "config/config_fields.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

const std::string kShownSecret(kMasked);

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
    std::string shown = EscapeDollar(MaskUrl(**s));
    if (IsSecretName(key)) shown = (*s)->empty() ? "" : kShownSecret;
    out << YAML::DoubleQuoted << shown;
  } else if (auto* i = std::get_if<int*>(&ref)) {
    out << **i;
  } else if (auto* flag = std::get_if<bool*>(&ref)) {
    out << **flag;
  } else if (auto* list = std::get_if<std::vector<std::string>*>(&ref)) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : **list) out << YAML::DoubleQuoted << EscapeDollar(MaskUrl(item));
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
            << (value->empty() ? "" : kShownSecret);
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
