#include "core/text.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace minutes {

std::string FormatClock(double seconds, char sep) {
  if (!(seconds > 0)) seconds = 0;
  long long ms = std::llround(seconds * 1000.0);
  long long h = ms / 3600000, m = (ms / 60000) % 60, s = (ms / 1000) % 60, r = ms % 1000;
  char buf[48];
  if (sep == '\0')
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", h, m, s);
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld%c%03lld", h, m, s, sep, r);
  return buf;
}

std::vector<std::string> NormalizeWords(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : text) {
    bool keep = std::isalnum(c) || c == '\'' || c >= 0x80;
    if (keep) {
      cur.push_back(static_cast<char>(std::tolower(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

}  // namespace minutes
