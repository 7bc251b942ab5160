#include "minutes/extractive_generator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "core/text.hpp"
#include "minutes/cues.hpp"
#include "minutes/retrieval.hpp"
#include "minutes/sentences.hpp"

namespace minutes {
namespace {

std::string Capitalize(std::string s) {
  if (!s.empty() && std::islower(static_cast<unsigned char>(s[0])))
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

bool HasCjk(const std::string& w) {
  for (unsigned char c : w)
    if (c >= 0xE4 && c <= 0xE9) return true;
  return false;
}

// Chinese is written without spaces: its "words" are character pairs, less the common ones.
std::vector<std::string> CjkPairs(const std::string& w) {
  static const std::set<std::string> kCommon = {
      "我们", "你们", "他们", "大家", "这个", "那个", "一下", "就是", "然后", "可以", "没有",
      "什么", "现在", "一个", "好的", "这些", "还是", "已经", "时候", "因为", "所以", "如果",
      "今天", "这样", "那么", "的话", "是不", "不是", "我觉", "觉得", "一起", "需要", "我们的"};
  std::vector<std::string> out;
  for (const auto& t : SearchTerms(w))
    if (t.size() == 6 && HasCjk(t) && !kCommon.count(t)) out.push_back(t);
  return out;
}

std::vector<std::string> ContentWords(const Sentence& s) {
  std::vector<std::string> out;
  for (auto& w : s.words) {
    if (HasCjk(w)) {
      for (auto& p : CjkPairs(w)) out.push_back(p);
    } else if (!IsStopword(w) && w.size() > 1) {
      out.push_back(w);
    }
  }
  return out;
}

// Degree centrality over TF-IDF cosine similarity (LexRank without the power iteration):
// the sentences most like the rest of the meeting say what it was about.
std::vector<double> Centrality(const std::vector<Sentence>& ss) {
  size_t n = ss.size();
  std::map<std::string, double> df;
  std::vector<std::map<std::string, double>> tf(n);
  for (size_t i = 0; i < n; ++i) {
    for (auto& w : ContentWords(ss[i])) tf[i][w] += 1;
    for (auto& [w, c] : tf[i]) df[w] += 1;
  }
  std::vector<std::map<std::string, double>> vec(n);
  std::vector<double> norm(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (auto& [w, c] : tf[i]) {
      double v = c * std::log(1.0 + static_cast<double>(n) / df[w]);
      vec[i][w] = v;
      norm[i] += v * v;
    }
    norm[i] = std::sqrt(norm[i]);
  }
  std::vector<double> score(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      if (norm[i] == 0 || norm[j] == 0) continue;
      double dot = 0;
      for (auto& [w, v] : vec[i]) {
        auto it = vec[j].find(w);
        if (it != vec[j].end()) dot += v * it->second;
      }
      double sim = dot / (norm[i] * norm[j]);
      score[i] += sim;
      score[j] += sim;
    }
  return score;
}

std::vector<std::string> Summary(const std::vector<Sentence>& ss, int max_sentences) {
  auto score = Centrality(ss);
  std::vector<size_t> idx;
  for (size_t i = 0; i < ss.size(); ++i)
    if (ContentWords(ss[i]).size() >= 3) idx.push_back(i);  // skip greetings and "okay"
  // Short meetings get a short summary: about one sentence in four, at least one.
  size_t want = std::min<size_t>(static_cast<size_t>(std::max(1, max_sentences)),
                                 std::max<size_t>(1, (idx.size() + 3) / 4));
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    // Centrality per content word would favour fragments; total centrality with a mild length
    // preference picks informative sentences.
    return score[a] > score[b];
  });
  if (idx.size() > want) idx.resize(want);
  std::sort(idx.begin(), idx.end());
  std::vector<std::string> out;
  for (size_t i : idx) out.push_back(AsSentence(ss[i].text));
  return out;
}

std::vector<std::string> Topics(const std::vector<Sentence>& ss,
                                const std::vector<std::string>& names) {
  std::map<std::string, int> uni, bi;
  std::map<std::string, size_t> first;
  size_t order = 0;
  for (auto& s : ss) {
    std::string prev;
    for (auto& w : s.words) {
      if (HasCjk(w)) {  // character pairs as topic candidates, no phrases of them
        for (auto& p : CjkPairs(w)) {
          uni[p]++;
          first.emplace(p, order++);
        }
        prev.clear();
        continue;
      }
      bool content =
          !IsStopword(w) && w.size() > 2 && std::find(names.begin(), names.end(), w) == names.end();
      if (!content) {
        prev.clear();
        continue;
      }
      uni[w]++;
      first.emplace(w, order++);
      if (!prev.empty()) {
        std::string b = prev + " " + w;
        bi[b]++;
        first.emplace(b, order++);
      }
      prev = w;
    }
  }
  struct Cand {
    std::string text;
    double score;
  };
  std::vector<Cand> cands;
  std::set<std::string> covered;
  for (auto& [b, c] : bi)
    if (c >= 2) cands.push_back({b, c * 2.5});
  for (auto& [u, c] : uni)
    if (c >= 2) cands.push_back({u, static_cast<double>(c)});
  std::stable_sort(cands.begin(), cands.end(), [&](const Cand& a, const Cand& b) {
    if (a.score != b.score) return a.score > b.score;
    return first[a.text] < first[b.text];
  });
  std::vector<std::string> out;
  for (auto& c : cands) {
    if (out.size() >= 8) break;
    // A word already inside a chosen phrase is not a topic of its own.
    if (c.text.find(' ') == std::string::npos && covered.count(c.text)) continue;
    out.push_back(c.text);
    auto sp = c.text.find(' ');
    if (sp != std::string::npos) {
      covered.insert(c.text.substr(0, sp));
      covered.insert(c.text.substr(sp + 1));
    }
  }
  return out;
}

}  // namespace

Result<MinutesDoc> ExtractiveGenerator::Generate(const Transcript& tr,
                                                 const GenerateOptions& o) const {
  MinutesDoc doc;
  std::vector<Sentence> ss = SplitSentences(tr);

  // Names an action can be addressed to: the speakers' given names and common first names.
  std::vector<std::string> names = CommonFirstNames();
  for (auto& sp : tr.speakers)
    if (sp.name) {
      std::string first = AsciiLower(*sp.name);
      auto cut = first.find_first_of(" ,");
      if (cut != std::string::npos) first.resize(cut);
      if (!first.empty()) names.push_back(first);
    }

  for (size_t i = 0; i < ss.size(); ++i) {
    const Sentence& s = ss[i];
    if (IsDecision(s.words)) {
      doc.decisions.push_back({AsSentence(s.text), s.speaker, s.segment});
      continue;
    }
    if (!IsActionItem(s.words, names)) continue;
    ActionItem a;
    a.text = AsSentence(s.text);
    a.segment = s.segment;
    a.due = DuePhrase(s.words);
    std::string named = NamedOwner(s.words, names);
    if (!IsFirstPerson(s.words) && !named.empty()) {
      // Prefer the speaker's full display name when the named person is a known speaker.
      a.owner = Capitalize(named);
      for (auto& sp : tr.speakers)
        if (sp.name && AsciiLower(*sp.name).rfind(named, 0) == 0) a.owner = *sp.name;
    } else if (!IsFirstPerson(s.words) &&
               (std::find(s.words.begin(), s.words.end(), "you") != s.words.end())) {
      // "can you …" without a name: the person who answers next is the one asked.
      a.owner = tr.DisplayName(s.speaker);
      for (size_t j = i + 1; j < ss.size(); ++j)
        if (ss[j].speaker != s.speaker) {
          a.owner = tr.DisplayName(ss[j].speaker);
          break;
        }
    } else {
      a.owner = tr.DisplayName(s.speaker);
    }
    // A plain statement of intent without a task-like cue or a due date is chatter.
    bool strong = a.due.size() > 0 || !named.empty() ||
                  std::find(s.words.begin(), s.words.end(), "item") != s.words.end() ||
                  ContentWords(s).size() >= 3;
    if (strong) doc.action_items.push_back(std::move(a));
  }

  doc.summary = Summary(ss, o.max_summary_sentences);
  doc.topics = Topics(ss, names);

  double total = 0;
  for (auto& sp : tr.speakers) total += sp.talk_time;
  for (auto& sp : tr.speakers)
    doc.speakers.push_back(
        {sp.id, tr.DisplayName(sp.id), sp.talk_time, total > 0 ? sp.talk_time / total : 0});

  bool chinese = tr.language.rfind("zh", 0) == 0;
  if (!o.title_hint.empty()) {
    doc.title = o.title_hint;
  } else if (chinese) {
    doc.title = doc.topics.empty()       ? "会议纪要"
                : doc.topics.size() == 1 ? "关于" + doc.topics[0] + "的会议"
                                         : "关于" + doc.topics[0] + "和" + doc.topics[1] + "的会议";
  } else if (doc.topics.size() >= 2) {
    doc.title = "Meeting on " + doc.topics[0] + " and " + doc.topics[1];
  } else if (doc.topics.size() == 1) {
    doc.title = "Meeting on " + doc.topics[0];
  } else {
    doc.title = "Meeting";
  }
  return doc;
}

}  // namespace minutes
