#pragma once
// Small text helpers shared by rooms: clock formatting and word normalisation. No I/O.
#include <string>
#include <string_view>
#include <vector>

namespace minutes {

/// Formats seconds as "HH:MM:SS" followed by `sep` and milliseconds when `sep` is not '\0'
/// ("01:02:03,045" for SRT, "01:02:03.045" for VTT). Negative input is clamped to zero.
std::string FormatClock(double seconds, char sep = '\0');

/// Lower-cases ASCII letters and splits on anything that is not a letter, digit or apostrophe.
/// Non-ASCII bytes (UTF-8 text) are kept inside words.
std::vector<std::string> NormalizeWords(std::string_view text);

/// Appends a recognised word to running text: a space between words, none where either side is
/// Chinese/Japanese/Korean script or CJK punctuation ("我们 决定" would be wrong), and none before
/// trailing punctuation such as "," or "." that a provider returns as its own item.
void AppendWord(std::string* text, std::string_view word);

/// `s` with ASCII letters lower-cased, other bytes (UTF-8 included) unchanged; no locale.
std::string AsciiLower(std::string_view s);

/// `s` without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF).
std::string TrimSpace(const std::string& s);

/// A length of time as people say it in messages: "4 h", "1 h 30 min", "10 min 5 s", "42 s",
/// "2.5 s" (tenths below ten seconds); whole seconds are rounded. Negative input reads as 0 s.
std::string FormatSeconds(double seconds);

/// Joins strings with a separator.
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace minutes
