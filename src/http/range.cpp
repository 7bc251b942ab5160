#include "http/range.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace minutes {
namespace {

// The value of a non-empty run of ASCII digits, saturated at INT64_MAX; nullopt for anything else.
std::optional<int64_t> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    int d = c - '0';
    if (v > (std::numeric_limits<int64_t>::max() - d) / 10) {
      v = std::numeric_limits<int64_t>::max();
    } else {
      v = v * 10 + d;
    }
  }
  return v;
}

bool StartsWithBytesUnit(std::string_view h) {
  static constexpr std::string_view kUnit = "bytes=";
  if (h.size() < kUnit.size()) return false;
  for (size_t i = 0; i < kUnit.size(); ++i) {
    char c = h[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // the unit is case-insensitive
    if (c != kUnit[i]) return false;
  }
  return true;
}

}  // namespace

RangeRequest ParseRange(std::string_view header, int64_t size) {
  using Kind = RangeRequest::Kind;
  const RangeRequest whole{Kind::kWhole, 0, 0};
  const RangeRequest unsatisfiable{Kind::kUnsatisfiable, 0, 0};
  if (size < 0 || !StartsWithBytesUnit(header)) return whole;
  std::string_view spec = header.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;  // also refuses lists: "0-1,5-6" has a dash
  if (spec.find(',') != std::string_view::npos) return whole;
  std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  if (a.empty()) {  // the last n bytes
    auto n = Digits(b);
    if (!n) return whole;
    if (*n == 0 || size == 0) return unsatisfiable;
    return {Kind::kPart, size - std::min(*n, size), size - 1};
  }
  auto first = Digits(a);
  if (!first) return whole;
  int64_t last = size - 1;
  if (!b.empty()) {
    auto given = Digits(b);
    if (!given || *given < *first) return whole;  // "5-3" is invalid, not unsatisfiable
    last = std::min(*given, size - 1);
  }
  if (*first >= size) return unsatisfiable;
  return {Kind::kPart, *first, last};
}

}  // namespace minutes
