#include "pipeline/pieces.hpp"

#include <algorithm>

namespace minutes {

double Piece::ToRecording(double t) const {
  if (spans.empty()) return 0;
  const double at = std::max(0.0, t) * kSampleRate;
  auto it = std::upper_bound(spans.begin(), spans.end(), at, [](double v, const PieceSpan& s) {
    return v < static_cast<double>(s.at);
  });
  const PieceSpan& s = *(it == spans.begin() ? it : it - 1);
  const double in_span =
      std::min(at - static_cast<double>(s.at), static_cast<double>(s.end - s.start));
  return (static_cast<double>(s.start) + in_span) / kSampleRate;
}

std::vector<Piece> PackPieces(const std::vector<Utterance>& utts, double piece_s, double gap_s) {
  const auto limit = std::max<int64_t>(1, static_cast<int64_t>(piece_s * kSampleRate));
  const auto gap = std::max<int64_t>(0, static_cast<int64_t>(gap_s * kSampleRate));
  std::vector<Piece> pieces;
  int64_t last_end = 0;  // where the previous utterance ended in the recording
  for (const Utterance& u : utts) {
    for (int64_t from = u.start; from < u.end; from += limit) {  // a long utterance in parts
      const int64_t to = std::min(u.end, from + limit);
      const bool joins = !pieces.empty() && from == u.start;
      // The pause before the utterance, squeezed to its last `gap` samples.
      const int64_t lead = joins ? std::max(last_end, from - gap) : from;
      if (!joins || pieces.back().samples() + (to - lead) > limit) {
        pieces.push_back({{{from, to, 0}}});
        continue;
      }
      Piece& p = pieces.back();
      if (lead == p.spans.back().end)  // the whole pause was kept: one stretch
        p.spans.back().end = to;
      else
        p.spans.push_back({lead, to, p.samples()});
    }
    last_end = std::max(last_end, u.end);
  }
  return pieces;
}

std::vector<std::vector<size_t>> ContiguousRuns(const std::vector<Piece>& pieces, int runs) {
  const size_t n = pieces.size();
  const size_t k = std::min(n, static_cast<size_t>(std::max(1, runs)));
  std::vector<std::vector<size_t>> out(k);
  if (n == 0) return out;
  int64_t total = 0;
  for (const Piece& p : pieces) total += p.samples();
  int64_t done = 0;
  size_t run = 0;
  for (size_t i = 0; i < n; ++i) {
    // Move on once this run holds its share, or when the pieces left are only enough for one
    // piece per run still empty.
    const bool full = !out[run].empty() &&
                      done * static_cast<int64_t>(k) >= total * static_cast<int64_t>(run + 1);
    const bool needed = n - i <= k - run - 1;
    if (run + 1 < k && !out[run].empty() && (full || needed)) ++run;
    out[run].push_back(i);
    done += pieces[i].samples();
  }
  return out;
}

}  // namespace minutes
