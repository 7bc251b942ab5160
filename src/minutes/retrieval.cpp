#include "minutes/retrieval.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "minutes/sentences.hpp"

namespace minutes {
namespace {

// The code point starting at s[i] and its length in bytes (1 for invalid bytes).
char32_t Decode(const std::string& s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) n = 1;
  char32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *len = static_cast<size_t>(n);
  return cp;
}

bool IsCjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF);
}

}  // namespace

std::vector<std::string> SearchTerms(const std::string& text) {
  std::vector<std::string> terms;
  std::string word, prev_cjk;
  auto flush = [&] {
    if (word.size() > 1 && !IsStopword(word)) terms.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    char32_t cp = Decode(text, i, &len);
    if (cp < 0x80 && std::isalnum(static_cast<unsigned char>(cp))) {
      word += static_cast<char>(std::tolower(static_cast<int>(cp)));
      prev_cjk.clear();
    } else if (IsCjk(cp)) {
      flush();
      std::string ch = text.substr(i, len);
      terms.push_back(ch);
      if (!prev_cjk.empty()) terms.push_back(prev_cjk + ch);
      prev_cjk = ch;
    } else {
      flush();
      prev_cjk.clear();
    }
    i += len;
  }
  flush();
  return terms;
}

std::vector<size_t> BestSegments(const Transcript& tr, const std::string& question, size_t k) {
  std::set<std::string> wanted;
  for (auto& t : SearchTerms(question)) wanted.insert(t);
  if (wanted.empty() || tr.segments.empty()) return {};
  std::vector<std::map<std::string, int>> tf(tr.segments.size());
  std::map<std::string, int> df;
  double total_len = 0;
  std::vector<double> len(tr.segments.size());
  for (size_t i = 0; i < tr.segments.size(); ++i) {
    auto terms = SearchTerms(tr.segments[i].text);
    len[i] = static_cast<double>(terms.size());
    total_len += len[i];
    for (auto& t : terms)
      if (wanted.count(t) && tf[i][t]++ == 0) ++df[t];
  }
  const double n = static_cast<double>(tr.segments.size()), avg = std::max(1.0, total_len / n);
  const double k1 = 1.2, b = 0.75;
  std::vector<std::pair<double, size_t>> scored;
  for (size_t i = 0; i < tr.segments.size(); ++i) {
    double score = 0;
    for (auto& [t, f] : tf[i]) {
      double idf = std::log(1 + (n - df[t] + 0.5) / (df[t] + 0.5));
      score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len[i] / avg));
    }
    if (score > 0) scored.push_back({score, i});
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](auto& a, auto& c) { return a.first > c.first; });
  std::vector<size_t> out;
  for (size_t i = 0; i < scored.size() && i < k; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace minutes
