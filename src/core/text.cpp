#include "core/text.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
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

namespace {

// The code point starting at s[i] (0 for an invalid sequence).
char32_t CodePointAt(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + static_cast<size_t>(n) > s.size()) return 0;
  char32_t cp = n == 1 ? b : b & (0x7F >> n);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

char32_t LastCodePoint(std::string_view s) {
  size_t i = s.size();
  while (i > 0 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) --i;
  return i > 0 ? CodePointAt(s, i - 1) : 0;
}

bool IsCjkScript(char32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF);
}

}  // namespace

void AppendWord(std::string* text, std::string_view word) {
  if (word.empty()) return;
  if (!text->empty()) {
    char32_t before = LastCodePoint(*text), after = CodePointAt(word, 0);
    bool trailing_punct = word.find_first_not_of(",.!?;:%)]}'\"") == std::string_view::npos;
    if (!IsCjkScript(before) && !IsCjkScript(after) && !trailing_punct) *text += ' ';
  }
  text->append(word);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string TrimSpace(const std::string& s) {
  const char* kSpace = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::string FormatSeconds(double seconds) {
  if (!(seconds > 0)) return "0 s";
  if (seconds < 10) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    std::string out = buf;
    if (out.size() > 4 && out.compare(out.size() - 4, 4, ".0 s") == 0) out.erase(out.size() - 4, 2);
    return out;
  }
  auto total = static_cast<long long>(seconds + 0.5);
  long long h = total / 3600, m = total / 60 % 60, s = total % 60;
  std::string out;
  auto add = [&](long long v, const char* unit) {
    if (v == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(v) + ' ' + unit;
  };
  add(h, "h");
  add(m, "min");
  add(s, "s");
  return out;
}

}  // namespace minutes
