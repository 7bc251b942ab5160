#include "minutes/cues.hpp"

#include <algorithm>
#include <initializer_list>
#include <regex>
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

// The words run together: Chinese has no spaces, so its cues are found in the text itself.
std::string Joined(const Words& w) {
  std::string s;
  for (const auto& x : w) s += x;
  return s;
}

bool HasAny(const std::string& text, std::initializer_list<const char*> cues) {
  for (const char* c : cues)
    if (text.find(c) != std::string::npos) return true;
  return false;
}

bool ChineseDecision(const std::string& t) {
  return HasAny(t, {"决定", "同意", "确定", "定了", "就这么定", "达成一致", "拍板", "批准",
                    "通过了", "决议", "敲定"});
}

bool ChineseFirstPerson(const std::string& t) {
  return HasAny(t, {"我负责", "我来", "我会", "我去", "我跟进", "交给我", "我这边", "我处理",
                    "我完成", "我准备"});
}

bool ChineseAction(const std::string& t) {
  return ChineseFirstPerson(t) ||
         HasAny(t, {"负责", "跟进", "待办", "行动项", "请你", "麻烦你", "你来", "安排", "落实",
                    "需要在", "要在", "之前完成", "截止"});
}

}  // namespace

bool IsDecision(const Words& w) {
  if (ChineseDecision(Joined(w))) return true;
  return Has(w, {"we", "decided"}) || Has(w, {"decided", "to"}) || Has(w, {"we", "agreed"}) ||
         Has(w, {"agreed", "to"}) || Has(w, {"agreed", "on"}) || Has(w, {"agreed", "that"}) ||
         Has(w, {"let's", "go", "with"}) || Has(w, {"let", "us", "go", "with"}) ||
         Has(w, {"we", "will", "go", "with"}) || Has(w, {"we're", "going", "with"}) ||
         Has(w, {"the", "decision", "is"}) || Has(w, {"final", "decision"}) ||
         Has(w, {"we", "have", "decided"}) || Has(w, {"it's", "decided"}) ||
         Has(w, {"is", "approved"}) || Has(w, {"we", "will", "go", "ahead"});
}

bool IsFirstPerson(const Words& w) {
  if (ChineseFirstPerson(Joined(w))) return true;
  if (!w.empty() && w[0] == "i" && !DuePhrase(w).empty()) return true;
  return Has(w, {"action", "item", "for", "me"}) || Has(w, {"i", "will"}) || Has(w, {"i'll"}) ||
         Has(w, {"i", "can"}) || Has(w, {"let", "me"}) || Has(w, {"i'm", "going", "to"}) ||
         Has(w, {"i", "am", "going", "to"}) || Has(w, {"i", "need", "to"}) ||
         Has(w, {"i", "have", "to"}) || Has(w, {"i", "should"}) || Has(w, {"i", "take", "care"});
}

std::string NamedOwner(const Words& w, const std::vector<std::string>& names) {
  // Chinese: "请王芳负责…", "李雷来跟进", "让李雷…".
  std::string t = Joined(w);
  for (const auto& name : names) {
    if (name.empty() || static_cast<unsigned char>(name[0]) < 0x80) continue;
    auto at = t.find(name);
    if (at == std::string::npos) continue;
    std::string after = t.substr(at + name.size()), before = t.substr(0, at);
    for (const char* verb : {"负责", "来", "跟进", "会", "去", "处理", "完成", "准备"})
      if (after.rfind(verb, 0) == 0) return name;
    for (const char* ask : {"请", "让", "麻烦", "由"})
      if (before.size() >= std::string(ask).size() &&
          before.compare(before.size() - std::string(ask).size(), std::string::npos, ask) == 0)
        return name;
  }
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
  if (ChineseAction(Joined(w))) return true;
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

namespace {
// A Chinese deadline: 下周五之前, 周三前, 明天, 月底, 星期一…
std::string ChineseDue(const std::string& t) {
  static const std::regex kDue(
      "(下个?周|本周|这周|下个?星期|周|星期|礼拜)(一|二|三|四|五|六|日|天|末)?(之前|以前|前)?|"
      "(明天|后天|今天|今晚|月底|年底|下个月|本月底|这个月底)(之前|以前|前)?");
  std::smatch m;
  if (!std::regex_search(t, m, kDue)) return "";
  std::string due = m.str();
  // A bare 周/星期 without a day is not a date ("这周" and "下周" are).
  if (due == "周" || due == "星期" || due == "礼拜") return "";
  return due;
}
}  // namespace

std::string DuePhrase(const Words& w) {
  if (std::string zh = ChineseDue(Joined(w)); !zh.empty()) return zh;
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
