#pragma once
// Internal to the export room: typed reads out of nlohmann::json that name the failing field.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace minutes::json_detail {

/// "segments[3]" + "start" -> "segments[3].start"; an empty path yields the key alone.
std::string FieldPath(const std::string& path, std::string_view key);

/// "segments" + 3 -> "segments[3]".
std::string IndexPath(const std::string& path, size_t index);

/// Reads fields of JSON objects and keeps the first failure as a BadInput status whose message
/// starts with the field path ("segments[3].start: expected a number, got string"). After a
/// failure every call is a no-op, so callers check ok() once per object.
class JsonReader {
 public:
  /// True when `value` is an object; otherwise records "<path>: expected an object".
  bool Object(const nlohmann::json& value, const std::string& path);

  /// Reads a required string field.
  void String(const nlohmann::json& obj, const std::string& path, std::string_view key,
              std::string& out);

  /// Reads a string field that may be null or absent (both give nullopt).
  void NullableString(const nlohmann::json& obj, const std::string& path, std::string_view key,
                      std::optional<std::string>& out);

  /// Reads a required finite number field (integers are accepted).
  void Number(const nlohmann::json& obj, const std::string& path, std::string_view key,
              double& out);

  /// Returns a required array field, or nullptr after recording why not.
  const nlohmann::json* Array(const nlohmann::json& obj, const std::string& path,
                              std::string_view key);

  /// Reads a required array of strings.
  void StringArray(const nlohmann::json& obj, const std::string& path, std::string_view key,
                   std::vector<std::string>& out);

  /// Records "<path>: <message>" unless `condition` holds.
  void Require(bool condition, const std::string& path, const std::string& message);

  /// True while nothing has failed.
  bool ok() const { return status_.ok(); }

  /// The first failure, or Ok.
  const Status& status() const { return status_; }

 private:
  const nlohmann::json* Field(const nlohmann::json& obj, const std::string& path,
                              std::string_view key, const char* expected);
  void Fail(const std::string& path, const std::string& message);

  Status status_;
};

/// Rounds to three decimals (milliseconds for seconds).
double Round3(double value);

}  // namespace minutes::json_detail
