#include "export/subtitles.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/text.hpp"

namespace minutes {

namespace {

// Replaces each run of CR/LF with one space and trims ASCII whitespace at both ends.
std::string OneLine(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      while (i + 1 < text.size() && (text[i + 1] == '\r' || text[i + 1] == '\n')) ++i;
      out += ' ';
    } else {
      out += text[i];
    }
  }
  size_t b = out.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return out.substr(b, out.find_last_not_of(" \t") - b + 1);
}

std::string Prefix(const std::string& name) { return name.empty() ? "" : name + ": "; }

// '&', '<' and '>' as entities: WebVTT defines them, and SubRip players (FFmpeg, VLC, mpv)
// read SRT's HTML-like tags and decode these entities, so text can never become markup.
std::string EscapeMarkup(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// Whitespace as Python's str.split() sees it, which is how RTTM tools split fields: ASCII plus
// the UTF-8 encodings of U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
// U+205F and U+3000. Returns the byte length of the whitespace character at `i`, or 0.
size_t WhitespaceAt(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  unsigned c = byte(i);
  if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xC2 && (byte(i + 1) == 0x85 || byte(i + 1) == 0xA0)) return 2;
  if (c == 0xE1 && byte(i + 1) == 0x9A && byte(i + 2) == 0x80) return 3;
  if (c == 0xE2 && byte(i + 1) == 0x80) {
    unsigned t = byte(i + 2);
    if (t <= 0x8A && t >= 0x80) return 3;
    if (t == 0xA8 || t == 0xA9 || t == 0xAF) return 3;
  }
  if (c == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) == 0x9F) return 3;
  if (c == 0xE3 && byte(i + 1) == 0x80 && byte(i + 2) == 0x80) return 3;
  return 0;
}

std::string RttmToken(std::string_view s) {
  if (s.empty()) return "<NA>";
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = WhitespaceAt(s, i);
    out += n ? '_' : s[i];
    i += n ? n : 1;
  }
  return out;
}

// "%.3f" without the locale: RTTM needs a '.' whatever LC_NUMERIC says.
std::string Fixed3(double v) {
  std::array<char, 64> buf;
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, 3);
  return ec == std::errc() ? std::string(buf.data(), end) : "0.000";
}

}  // namespace

std::string RenderTxt(const Transcript& t) {
  std::string out;
  for (const Segment& s : t.segments) {
    std::string text = OneLine(s.text);
    if (text.empty()) continue;
    out +=
        "[" + FormatClock(s.start) + "] " + Prefix(OneLine(t.DisplayName(s.speaker))) + text + "\n";
  }
  return out;
}

std::string RenderSrt(const Transcript& t) {
  std::string out;
  int cue = 0;
  for (const Segment& s : t.segments) {
    std::string text = OneLine(s.text);
    if (text.empty()) continue;
    if (cue > 0) out += "\n";
    out += std::to_string(++cue) + "\n";
    out += FormatClock(s.start, ',') + " --> " + FormatClock(std::max(s.start, s.end), ',') + "\n";
    out += EscapeMarkup(Prefix(OneLine(t.DisplayName(s.speaker))) + text) + "\n";
  }
  return out;
}

std::string RenderVtt(const Transcript& t) {
  std::string out = "WEBVTT\n";
  // A NOTE block (WebVTT's comment) says which engine heard it; "-->" may not appear in one.
  if (std::string engine = OneLine(t.engine);
      !engine.empty() && engine.find("-->") == std::string::npos)
    out += "\nNOTE transcribed by " + engine + "\n";
  for (const Segment& s : t.segments) {
    std::string text = OneLine(s.text);
    if (text.empty()) continue;
    std::string name = EscapeMarkup(OneLine(t.DisplayName(s.speaker)));
    out += "\n" + FormatClock(s.start, '.') + " --> " + FormatClock(std::max(s.start, s.end), '.');
    out += "\n" + (name.empty() ? "" : "<v " + name + ">") + EscapeMarkup(text) + "\n";
  }
  return out;
}

std::string RenderRttm(const Transcript& t, std::string_view uri, bool use_names) {
  std::string out;
  std::string file = RttmToken(uri);
  for (const Segment& s : t.segments) {
    std::string who = RttmToken(use_names ? t.DisplayName(s.speaker) : s.speaker);
    double start = std::max(0.0, s.start);
    out += "SPEAKER " + file + " 1 " + Fixed3(start) + " " + Fixed3(std::max(0.0, s.end - start)) +
           " <NA> <NA> " + who + " <NA> <NA>\n";
  }
  return out;
}

}  // namespace minutes
