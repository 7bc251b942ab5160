#pragma once
// Reading and binding the values of one column, for the repositories' own sources only (not a
// public header: the names would clash with the routes' helpers in a unity build).
#include <optional>
#include <string>

#include "db/database.hpp"

namespace minutes::store_detail {

/// A nullable text column: nullopt for NULL.
inline std::optional<std::string> OptionalText(const DbValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return std::nullopt;
  return AsString(v);
}

/// A nullable integer column: nullopt for NULL.
inline std::optional<int64_t> OptionalInt(const DbValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return std::nullopt;
  return AsInt(v);
}

/// A REAL column, or an aggregate a backend returns as an integer (sum of nothing, 0); 0 for
/// NULL.
inline double AsReal(const DbValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  return static_cast<double>(AsInt(v));
}

/// Binds an optional value: NULL for nullopt.
template <typename T>
DbValue Nullable(const std::optional<T>& v) {
  return v ? DbValue(*v) : DbValue(nullptr);
}

}  // namespace minutes::store_detail
