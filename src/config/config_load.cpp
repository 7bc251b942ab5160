// LoadConfig: YAML file, then environment overrides, then derivation and validation.
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "config/config.hpp"
#include "config/config_fields.hpp"

extern char** environ;

namespace minutes {
namespace {

using config_detail::Field;
using Env = std::map<std::string, std::string>;

std::string KindName(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "\"" + node.Scalar() + "\"";
}

/// A scalar's text with `${VAR}` interpolated, or an error naming `path`.
Result<std::string> ScalarText(const std::string& path, const YAML::Node& node, const Env& env,
                               const char* expected) {
  if (!node.IsScalar()) {
    return Status::BadInput(path + ": expected " + expected + ", got " + KindName(node));
  }
  return config_detail::Interpolate(path, node.Scalar(), env);
}

Status AssignNode(const Field& field, const YAML::Node& node, const Env& env) {
  const std::string& path = field.path;
  if (auto* list = std::get_if<std::vector<std::string>*>(&field.ref)) {
    if (!node.IsNull() && !node.IsSequence()) {
      return Status::BadInput(path + ": expected a list, got " + KindName(node));
    }
    (*list)->clear();
    for (size_t i = 0; i < node.size(); ++i) {
      auto text = ScalarText(path + "[" + std::to_string(i) + "]", node[i], env, "a string");
      if (!text.ok()) return text.status();
      (*list)->push_back(*text);
    }
    return Status::Ok();
  }
  if (auto* map = std::get_if<std::map<std::string, double>*>(&field.ref)) {
    if (!node.IsNull() && !node.IsMap()) {
      return Status::BadInput(path + ": expected a map, got " + KindName(node));
    }
    (*map)->clear();
    for (const auto& kv : node) {
      std::string item = path + "." + kv.first.Scalar();
      auto text = ScalarText(item, kv.second, env, "a number");
      if (!text.ok()) return text.status();
      auto value = config_detail::ParseDouble(item, *text);
      if (!value.ok()) return value.status();
      (**map)[kv.first.Scalar()] = *value;
    }
    return Status::Ok();
  }
  if (node.IsNull()) return Status::Ok();  // `key:` with no value keeps the default
  bool is_int = std::holds_alternative<int*>(field.ref);
  bool is_bool = std::holds_alternative<bool*>(field.ref);
  auto text = ScalarText(path, node, env,
                         is_int    ? "an integer"
                         : is_bool ? "true or false"
                                   : "a string");
  if (!text.ok()) return text.status();
  return config_detail::AssignText(field, *text);
}

bool IsSection(const std::vector<Field>& fields, const std::string& path) {
  for (const auto& f : fields) {
    if (f.path.starts_with(path + ".")) return true;
  }
  return false;
}

Status Walk(const YAML::Node& map, const std::string& prefix, const std::vector<Field>& fields,
            const Env& env) {
  for (const auto& kv : map) {
    std::string path = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    const Field* field = nullptr;
    for (const auto& f : fields) {
      if (f.path == path) field = &f;
    }
    Status st;
    if (field != nullptr && kv.second.IsMap() && IsSection(fields, path)) {
      st = Walk(kv.second, path, fields, env);  // e.g. storage: {url: …, access_key: …}
    } else if (field != nullptr) {
      st = AssignNode(*field, kv.second, env);
    } else if (!IsSection(fields, path)) {
      st = Status::BadInput(path + ": unknown key");
    } else if (kv.second.IsMap()) {
      st = Walk(kv.second, path, fields, env);
    } else if (!kv.second.IsNull()) {
      st = Status::BadInput(path + ": expected a map, got " + KindName(kv.second));
    }
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status ReadFile(const std::string& yaml_path, const std::vector<Field>& fields, const Env& env) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(yaml_path, ec)) {
    return Status::BadInput(yaml_path + ": config file not found");
  }
  try {
    YAML::Node root = YAML::LoadFile(yaml_path);
    if (root.IsNull()) return Status::Ok();
    if (!root.IsMap()) {
      return Status::BadInput(yaml_path + ": expected a map of sections, got " + KindName(root));
    }
    return Walk(root, "", fields, env);
  } catch (const YAML::Exception& e) {
    return Status::BadInput(yaml_path + ": " + e.what());
  }
}

}  // namespace

Result<Config> LoadConfig(const std::string& yaml_path, const Env& env) {
  Config config;
  std::vector<Field> fields = config_detail::Fields(config);
  if (!yaml_path.empty()) {
    Status st = ReadFile(yaml_path, fields, env);
    if (!st.ok()) return st;
  }
  for (const auto& field : fields) {
    auto it = env.find(config_detail::EnvName(field.path));
    if (it == env.end()) continue;
    Status st = config_detail::AssignText(field, it->second);
    if (!st.ok()) return Status::BadInput(st.message() + " (from " + it->first + ")");
  }
  Status st = config_detail::DeriveAndValidate(config);
  if (!st.ok()) return st;
  return config;
}

std::map<std::string, std::string> EnvironmentMap() {
  Env env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace minutes
