#pragma once
// Reading JSON from outside (provider replies, Lambda events) without throwing or indexing past
// what is there: json's const operator[] is undefined for a missing key, and value() and
// get<std::string>() throw for a member of another type.
#include <nlohmann/json.hpp>
#include <string>

namespace minutes {

/// `j[key]` when `j` is an object holding it, else null.
inline const nlohmann::json& JsonMember(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

/// The string `j` holds, else "".
inline std::string JsonString(const nlohmann::json& j) {
  return j.is_string() ? j.get<std::string>() : std::string();
}

}  // namespace minutes
