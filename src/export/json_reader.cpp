#include "export/json_reader.hpp"

#include <cmath>

namespace minutes::json_detail {

using nlohmann::json;

std::string FieldPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string IndexPath(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

double Round3(double value) { return std::round(value * 1000.0) / 1000.0; }

void JsonReader::Fail(const std::string& path, const std::string& message) {
  if (ok()) status_ = Status::BadInput(path + ": " + message);
}

void JsonReader::Require(bool condition, const std::string& path, const std::string& message) {
  if (!condition) Fail(path, message);
}

bool JsonReader::Object(const json& value, const std::string& path) {
  if (!ok()) return false;
  if (!value.is_object()) Fail(path, std::string("expected an object, got ") + value.type_name());
  return ok();
}

const json* JsonReader::Field(const json& obj, const std::string& path, std::string_view key,
                              const char* expected) {
  if (!ok()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end()) {
    Fail(FieldPath(path, key), std::string("missing, expected ") + expected);
    return nullptr;
  }
  return &*it;
}

void JsonReader::String(const json& obj, const std::string& path, std::string_view key,
                        std::string& out) {
  const json* v = Field(obj, path, key, "a string");
  if (!v) return;
  if (!v->is_string())
    return Fail(FieldPath(path, key), std::string("expected a string, got ") + v->type_name());
  out = v->get<std::string>();
}

void JsonReader::NullableString(const json& obj, const std::string& path, std::string_view key,
                                std::optional<std::string>& out) {
  if (!ok()) return;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    out.reset();
  } else if (it->is_string()) {
    out = it->get<std::string>();
  } else {
    Fail(FieldPath(path, key), std::string("expected a string or null, got ") + it->type_name());
  }
}

void JsonReader::Number(const json& obj, const std::string& path, std::string_view key,
                        double& out) {
  const json* v = Field(obj, path, key, "a number");
  if (!v) return;
  if (!v->is_number())
    return Fail(FieldPath(path, key), std::string("expected a number, got ") + v->type_name());
  double d = v->get<double>();
  if (!std::isfinite(d)) return Fail(FieldPath(path, key), "expected a finite number");
  out = d;
}

const json* JsonReader::Array(const json& obj, const std::string& path, std::string_view key) {
  const json* v = Field(obj, path, key, "an array");
  if (!v) return nullptr;
  if (!v->is_array()) {
    Fail(FieldPath(path, key), std::string("expected an array, got ") + v->type_name());
    return nullptr;
  }
  return v;
}

void JsonReader::StringArray(const json& obj, const std::string& path, std::string_view key,
                             std::vector<std::string>& out) {
  const json* arr = Array(obj, path, key);
  if (!arr) return;
  std::string field = FieldPath(path, key);
  out.clear();
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& item = (*arr)[i];
    if (!item.is_string())
      return Fail(IndexPath(field, i), std::string("expected a string, got ") + item.type_name());
    out.push_back(item.get<std::string>());
  }
}

}  // namespace minutes::json_detail
