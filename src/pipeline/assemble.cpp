#include "pipeline/assemble.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/text.hpp"

namespace minutes {
namespace {

int SpeakerAt(const std::vector<SpeakerTurn>& turns, double t) {
  // Turns are sorted and non-overlapping: binary search, then the nearest turn on a miss.
  auto it = std::upper_bound(turns.begin(), turns.end(), t,
                             [](double v, const SpeakerTurn& x) { return v < x.start; });
  if (it != turns.begin() && std::prev(it)->end >= t) return std::prev(it)->speaker;
  double best = 1e300;
  int label = turns.empty() ? 0 : turns.front().speaker;
  if (it != turns.end() && it->start - t < best) best = it->start - t, label = it->speaker;
  if (it != turns.begin() && t - std::prev(it)->end < best) label = std::prev(it)->speaker;
  return label;
}

// The span of the turns of `label` that overlap [from, to], clipped to it.
std::pair<double, double> TurnSpan(const std::vector<SpeakerTurn>& turns, int label, double from,
                                   double to) {
  double s = to, e = from;
  for (auto& t : turns) {
    if (t.speaker != label || t.end <= from || t.start >= to) continue;
    s = std::min(s, std::max(from, t.start));
    e = std::max(e, std::min(to, t.end));
  }
  return {s, e};
}

}  // namespace

Transcript AssembleTranscript(const std::vector<Utterance>& utts,
                              const std::vector<std::vector<Word>>& words,
                              const std::vector<SpeakerTurn>& turns, double duration) {
  Transcript tr;
  tr.duration = duration;
  struct Piece {
    int label;
    std::vector<Word> words;
  };
  std::vector<std::pair<Piece, std::pair<double, double>>> pieces;
  for (size_t i = 0; i < utts.size() && i < words.size(); ++i) {
    std::vector<Piece> run;
    for (const Word& w : words[i]) {
      int label = SpeakerAt(turns, (w.start + w.end) / 2);
      if (run.empty() || run.back().label != label) run.push_back({label, {}});
      run.back().words.push_back(w);
    }
    double us = utts[i].start_s(), ue = utts[i].end_s();
    for (size_t r = 0; r < run.size(); ++r) {
      // A piece spans its turn inside the utterance, and always all of its words; neighbours
      // meet between their words.
      double from = r == 0 ? us : (run[r - 1].words.back().end + run[r].words.front().start) / 2;
      double to =
          r + 1 == run.size() ? ue : (run[r].words.back().end + run[r + 1].words.front().start) / 2;
      auto [s, e] = TurnSpan(turns, run[r].label, from, to);
      if (s >= e) s = from, e = to;
      s = std::min(s, run[r].words.front().start);
      e = std::max(e, run[r].words.back().end);
      pieces.push_back({std::move(run[r]), {s, e}});
    }
  }
  std::map<int, std::string> names;
  std::map<std::string, double> talk;
  int n = 0;
  for (auto& [piece, span] : pieces) {
    auto it = names.find(piece.label);
    if (it == names.end()) {
      it = names.emplace(piece.label, "S" + std::to_string(names.size() + 1)).first;
      tr.speakers.push_back({it->second, std::nullopt, 0});
    }
    Segment seg;
    char id[32];
    std::snprintf(id, sizeof id, "seg-%04d", ++n);
    seg.id = id;
    seg.speaker = it->second;
    seg.start = span.first;
    seg.end = span.second;
    for (auto& w : piece.words) AppendWord(&seg.text, w.word);
    seg.words = std::move(piece.words);
    talk[seg.speaker] += seg.end - seg.start;
    tr.segments.push_back(std::move(seg));
  }
  for (auto& s : tr.speakers) s.talk_time = talk[s.id];
  return tr;
}

}  // namespace minutes
