#include "minutes/cues.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>

namespace minutes {
namespace {

using Words = std::vector<std::string>;

// Does `w` contain the phrase `p` (space-separated) starting anywhere? Returns the index or -1.
long Find(const Words& w, std::initializer_list<const char*> phrase, size_t from = 0) {
  size_t n = phrase.size();
  if (w.size() < n) return -1;
  for (size_t i = from; i + n <= w.size(); ++i) {
    size_t k = 0;
    for (const char* p : phrase) {
      if (w[i + k] != p) break;
      ++k;
    }
    if (k == n) return static_cast<long>(i);
  }
  return -1;
}

bool Has(const Words& w, std::initializer_list<const char*> phrase) { return Find(w, phrase) >= 0; }

bool IsIn(const std::string& w, const std::vector<std::string>& set) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

const std::set<std::string>& Weekdays() {
  static const std::set<std::string> k = {"monday",  "tuesday",  "wednesday", "thursday",
                                          "friday",  "saturday", "sunday",    "tomorrow",
                                          "tonight", "today",    "noon",      "midnight"};
  return k;
}

const std::set<std::string>& Months() {
  static const std::set<std::string> k = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};
  return k;
}

const std::set<std::string>& Periods() {
  static const std::set<std::string> k = {"week",   "month",  "sprint", "quarter", "year",  "day",
                                          "summer", "winter", "spring", "fall",    "autumn"};
  return k;
}

}  // namespace

bool IsDecision(const Words& w) {
  return Has(w, {"we", "decided"}) || Has(w, {"decided", "to"}) || Has(w, {"we", "agreed"}) ||
         Has(w, {"agreed", "to"}) || Has(w, {"agreed", "on"}) || Has(w, {"agreed", "that"}) ||
         Has(w, {"let's", "go", "with"}) || Has(w, {"let", "us", "go", "with"}) ||
         Has(w, {"we", "will", "go", "with"}) || Has(w, {"we're", "going", "with"}) ||
         Has(w, {"the", "decision", "is"}) || Has(w, {"final", "decision"}) ||
         Has(w, {"we", "have", "decided"}) || Has(w, {"it's", "decided"}) ||
         Has(w, {"is", "approved"}) || Has(w, {"we", "will", "go", "ahead"});
}

bool IsFirstPerson(const Words& w) {
  if (!w.empty() && w[0] == "i" && !DuePhrase(w).empty()) return true;
  return Has(w, {"action", "item", "for", "me"}) || Has(w, {"i", "will"}) || Has(w, {"i'll"}) ||
         Has(w, {"i", "can"}) || Has(w, {"let", "me"}) || Has(w, {"i'm", "going", "to"}) ||
         Has(w, {"i", "am", "going", "to"}) || Has(w, {"i", "need", "to"}) ||
         Has(w, {"i", "have", "to"}) || Has(w, {"i", "should"}) || Has(w, {"i", "take", "care"});
}

std::string NamedOwner(const Words& w, const std::vector<std::string>& names) {
  static const std::set<std::string> kModal = {"can",    "could", "will", "would", "should",
                                               "please", "needs", "must", "has",   "is"};
  for (size_t i = 0; i < w.size(); ++i) {
    if (!IsIn(w[i], names)) continue;
    // "carol can you", "bob will", "alice please": the name right before a modal.
    if (i + 1 < w.size() && kModal.count(w[i + 1])) return w[i];
    // "can you carol": the name right after "you".
    if (i > 0 && w[i - 1] == "you" && i >= 2 &&
        (w[i - 2] == "can" || w[i - 2] == "could" || w[i - 2] == "would"))
      return w[i];
    // "carol, ... can you": addressed first, asked later in the sentence.
    if (i == 0 && (Has(w, {"can", "you"}) || Has(w, {"could", "you"}) || Has(w, {"would", "you"}) ||
                   Has(w, {"please"})))
      return w[i];
  }
  return "";
}

bool IsActionItem(const Words& w, const std::vector<std::string>& names) {
  if (Has(w, {"action", "item"}) || Has(w, {"todo"}) || Has(w, {"to", "do", "item"}) ||
      Has(w, {"follow", "up"}) || Has(w, {"make", "sure"}))
    return true;
  if (IsFirstPerson(w)) return true;
  if (Has(w, {"can", "you"}) || Has(w, {"could", "you"}) || Has(w, {"would", "you"}) ||
      Has(w, {"please"}))
    return true;
  if (Has(w, {"we", "need", "to"}) || Has(w, {"needs", "to"}) || Has(w, {"we", "will"}) ||
      Has(w, {"we'll"}))
    return true;
  // "I … by friday": a speaker promising something by a date, even when the recognizer lost
  // the verb ("i will send" heard as "i listen").
  if (!w.empty() && w[0] == "i" && !DuePhrase(w).empty()) return true;
  return !NamedOwner(w, names).empty();
}

std::string DuePhrase(const Words& w) {
  auto join = [&](size_t a, size_t b) {
    std::string s;
    for (size_t i = a; i < b && i < w.size(); ++i) s += (s.empty() ? "" : " ") + w[i];
    return s;
  };
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& x = w[i];
    bool prep = x == "by" || x == "before" || x == "until" || x == "on" || x == "due";
    size_t j = prep ? i + 1 : i;
    if (j >= w.size()) continue;
    // [prep] (next|this) period/weekday
    if ((w[j] == "next" || w[j] == "this") && j + 1 < w.size() &&
        (Periods().count(w[j + 1]) || Weekdays().count(w[j + 1])))
      return join(i, j + 2);
    // [prep] (the) end of (the) period | end of day
    size_t k = j;
    if (w[k] == "the" && k + 1 < w.size()) ++k;
    if (w[k] == "end" && k + 2 < w.size() && w[k + 1] == "of") {
      size_t m = k + 2;
      if (w[m] == "the" && m + 1 < w.size()) ++m;
      if (Periods().count(w[m])) return join(i, m + 1);
    }
    // prep weekday | prep month [number]
    if (prep && Weekdays().count(w[j])) {
      if (x == "on" && w[j] == "today") continue;  // "on today's call"-like phrasing
      return join(i, j + 1);
    }
    if (prep && Months().count(w[j]))
      return join(
          i,
          j + 1 +
              (j + 1 < w.size() && std::isdigit(static_cast<unsigned char>(w[j + 1][0])) ? 1 : 0));
    // bare "tomorrow", "tonight", "after lunch", "this afternoon"
    if (!prep && (x == "tomorrow" || x == "tonight")) return x;
    if (x == "after" && i + 1 < w.size() && (w[i + 1] == "lunch" || w[i + 1] == "the")) {
      if (w[i + 1] == "lunch") return join(i, i + 2);
    }
    if (x == "this" && i + 1 < w.size() &&
        (w[i + 1] == "afternoon" || w[i + 1] == "evening" || w[i + 1] == "morning"))
      return join(i, i + 2);
  }
  return "";
}

const std::vector<std::string>& CommonFirstNames() {
  static const std::vector<std::string> k = {
      "adam",     "alan",    "albert",    "alex",    "alice", "amanda",   "amy",    "andrew",
      "angela",   "anna",    "anne",      "anthony", "ben",   "bill",     "bob",    "brian",
      "carl",     "carol",   "catherine", "charles", "chris", "claire",   "daniel", "dave",
      "david",    "diana",   "emily",     "emma",    "eric",  "frank",    "gary",   "george",
      "grace",    "helen",   "henry",     "jack",    "james", "jane",     "jason",  "jeff",
      "jennifer", "jessica", "jim",       "joe",     "john",  "jonathan", "joseph", "julia",
      "karen",    "kate",    "kevin",     "laura",   "linda", "lisa",     "mark",   "mary",
      "matt",     "michael", "mike",      "nancy",   "nick",  "olivia",   "paul",   "peter",
      "rachel",   "richard", "robert",    "ruth",    "sam",   "sarah",    "scott",  "simon",
      "sophie",   "steve",   "susan",     "thomas",  "tim",   "tom",      "tony",   "victoria",
      "william",  "zoe"};
  return k;
}

}  // namespace minutes
