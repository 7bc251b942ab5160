#include "minutes/sentences.hpp"

#include <cctype>
#include <unordered_set>

#include "core/text.hpp"

namespace minutes {
namespace {

// Length of a sentence terminator at i: ASCII .!? (1 byte) or 。！？ (3 bytes), else 0.
size_t TerminatorAt(const std::string& s, size_t i) {
  char c = s[i];
  if (c == '.' || c == '!' || c == '?') {
    // "v2.1" and "e.g." are not ends: require whitespace or the end after the dot.
    return (i + 1 == s.size() || std::isspace(static_cast<unsigned char>(s[i + 1]))) ? 1 : 0;
  }
  for (const char* t : {"\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F"})
    if (s.compare(i, 3, t) == 0) return 3;
  return 0;
}

}  // namespace

std::vector<Sentence> SplitSentences(const Transcript& tr) {
  std::vector<Sentence> out;
  for (const auto& seg : tr.segments) {
    size_t from = 0;
    auto emit = [&](size_t to) {
      std::string t = TrimSpace(seg.text.substr(from, to - from));
      if (!t.empty()) {
        auto words = NormalizeWords(t);
        if (!words.empty()) out.push_back({t, std::move(words), seg.speaker, seg.id, seg.start});
      }
    };
    for (size_t i = 0; i < seg.text.size(); ++i) {
      size_t n = TerminatorAt(seg.text, i);
      if (n == 0) continue;
      emit(i + n);
      from = i + n;
      i += n - 1;
    }
    emit(seg.text.size());
  }
  return out;
}

bool IsStopword(const std::string& w) {
  static const std::unordered_set<std::string> kStop = {
      "a",       "about",     "above",    "after",   "again",    "all",    "also",    "am",
      "an",      "and",       "any",      "are",     "as",       "at",     "be",      "because",
      "been",    "before",    "being",    "below",   "between",  "both",   "but",     "by",
      "can",     "could",     "did",      "do",      "does",     "doing",  "done",    "down",
      "during",  "each",      "even",     "every",   "everyone", "few",    "for",     "from",
      "further", "get",       "go",       "going",   "good",     "got",    "great",   "had",
      "has",     "have",      "having",   "he",      "hello",    "her",    "here",    "hers",
      "hi",      "him",       "his",      "how",     "i",        "i'll",   "i'm",     "if",
      "in",      "into",      "is",       "it",      "it's",     "its",    "just",    "know",
      "let",     "let's",     "like",     "lot",     "make",     "me",     "more",    "morning",
      "most",    "much",      "must",     "my",      "need",     "needs",  "next",    "no",
      "nor",     "not",       "now",      "of",      "off",      "ok",     "okay",    "on",
      "once",    "one",       "only",     "or",      "other",    "our",    "ours",    "out",
      "over",    "own",       "please",   "really",  "right",    "said",   "same",    "say",
      "see",     "she",       "should",   "so",      "some",     "still",  "such",    "sure",
      "take",    "tell",      "than",     "thank",   "thanks",   "that",   "that's",  "the",
      "their",   "them",      "then",     "there",   "these",    "they",   "thing",   "things",
      "think",   "this",      "those",    "through", "to",       "today",  "too",     "two",
      "under",   "until",     "up",       "us",      "very",     "want",   "was",     "way",
      "we",      "we'll",     "we're",    "well",    "were",     "what",   "when",    "where",
      "which",   "while",     "who",      "why",     "will",     "with",   "would",   "yeah",
      "yes",     "yesterday", "tomorrow", "you",     "you're",   "your",   "yours",   "uh",
      "um",      "mm",        "hmm",      "three",   "four",     "five",   "week",    "weeks",
      "day",     "days",      "time",     "start",   "item",     "action", "decided", "agreed",
      "work",    "can't",     "don't",    "won't",   "didn't",   "isn't",  "keep",    "asking",
      "sounds",  "problem"};
  return kStop.count(w) > 0;
}

std::string AsSentence(const std::string& text) {
  std::string s = TrimSpace(text);
  if (s.empty()) return s;
  if (std::islower(static_cast<unsigned char>(s[0])))
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  // Lower-case recognizer output: "i will" -> "I will".
  for (size_t i = 0; i < s.size(); ++i) {
    bool start = i == 0 || s[i - 1] == ' ';
    bool end = i + 1 == s.size() || s[i + 1] == ' ' || s[i + 1] == '\'';
    if (s[i] == 'i' && start && end) s[i] = 'I';
  }
  char last = s.back();
  auto lead = s.size() >= 3 ? static_cast<unsigned char>(s[s.size() - 3]) : 0;
  if (lead >= 0xE4 && lead <= 0xE9) return s + "\xE3\x80\x82";  // a CJK character: add 。
  bool ends = last == '.' || last == '!' || last == '?' || lead >= 0xE3;
  if (!ends) s += '.';
  return s;
}

}  // namespace minutes
