#include "scoring/der.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace minutes::scoring {
namespace {

// Index of `name` in `names`, appending it when new.
int Intern(std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  names.push_back(name);
  return static_cast<int>(names.size()) - 1;
}

// Minimum-cost assignment of rows to columns of a square matrix (Hungarian algorithm,
// O(n^3)). Returns, for each row, its column.
std::vector<int> MinCostAssignment(const std::vector<std::vector<double>>& cost) {
  const int n = static_cast<int>(cost.size());
  const double inf = std::numeric_limits<double>::infinity();
  // 1-based potentials; p[j] = row matched to column j, way[j] = previous column on the path.
  std::vector<double> u(n + 1, 0), v(n + 1, 0);
  std::vector<int> p(n + 1, 0), way(n + 1, 0);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(n + 1, inf);
    std::vector<bool> used(n + 1, false);
    do {
      used[j0] = true;
      int i0 = p[j0], j1 = 0;
      double delta = inf;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) minv[j] = cur, way[j] = j0;
        if (minv[j] < delta) delta = minv[j], j1 = j;
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j])
          u[p[j]] += delta, v[j] -= delta;
        else
          minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(n, -1);
  for (int j = 1; j <= n; ++j)
    if (p[j] > 0) row_to_col[p[j] - 1] = j - 1;
  return row_to_col;
}

enum class EventKind { kRef, kHyp, kCollar, kRegion };

struct Event {
  double time;
  EventKind kind;
  int index;  // speaker index for kRef/kHyp
  int delta;  // +1 begins, -1 ends
};

// A stretch of the scored region with constant sets of active speakers.
struct ScoredPiece {
  double duration;
  std::vector<int> ref;
  std::vector<int> hyp;
};

}  // namespace

DerResult ComputeDer(const std::vector<Turn>& ref, const std::vector<Turn>& hyp, double collar) {
  DerResult result;
  std::vector<std::string> ref_names, hyp_names;
  std::vector<Event> events;
  double region_start = std::numeric_limits<double>::infinity();
  double region_end = -std::numeric_limits<double>::infinity();
  for (const auto& t : ref) {
    if (!(t.end > t.start)) continue;
    int idx = Intern(ref_names, t.speaker);
    events.push_back({t.start, EventKind::kRef, idx, +1});
    events.push_back({t.end, EventKind::kRef, idx, -1});
    region_start = std::min(region_start, t.start);
    region_end = std::max(region_end, t.end);
    if (collar > 0) {
      for (double b : {t.start, t.end}) {
        events.push_back({b - collar, EventKind::kCollar, 0, +1});
        events.push_back({b + collar, EventKind::kCollar, 0, -1});
      }
    }
  }
  if (ref_names.empty()) return result;  // nothing to score
  for (const auto& t : hyp) {
    if (!(t.end > t.start)) continue;
    int idx = Intern(hyp_names, t.speaker);
    events.push_back({t.start, EventKind::kHyp, idx, +1});
    events.push_back({t.end, EventKind::kHyp, idx, -1});
  }
  events.push_back({region_start, EventKind::kRegion, 0, +1});
  events.push_back({region_end, EventKind::kRegion, 0, -1});
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.time < b.time; });

  const size_t nr = ref_names.size(), nh = hyp_names.size();
  std::vector<int> ref_active(nr, 0), hyp_active(nh, 0);
  std::vector<std::vector<double>> overlap(nr, std::vector<double>(nh, 0));
  std::vector<ScoredPiece> pieces;
  int collar_depth = 0, in_region = 0;
  for (size_t e = 0; e < events.size();) {
    const double t = events[e].time;
    for (; e < events.size() && events[e].time == t; ++e) {
      const Event& ev = events[e];
      switch (ev.kind) {
        case EventKind::kRef:
          ref_active[ev.index] += ev.delta;
          break;
        case EventKind::kHyp:
          hyp_active[ev.index] += ev.delta;
          break;
        case EventKind::kCollar:
          collar_depth += ev.delta;
          break;
        case EventKind::kRegion:
          in_region += ev.delta;
          break;
      }
    }
    if (e == events.size() || in_region <= 0) continue;
    const double duration = events[e].time - t;
    if (duration <= 0) continue;
    ScoredPiece piece{duration, {}, {}};
    for (size_t i = 0; i < nr; ++i)
      if (ref_active[i] > 0) piece.ref.push_back(static_cast<int>(i));
    for (size_t j = 0; j < nh; ++j)
      if (hyp_active[j] > 0) piece.hyp.push_back(static_cast<int>(j));
    for (int r : piece.ref)
      for (int h : piece.hyp) overlap[r][h] += duration;
    if (collar_depth <= 0) pieces.push_back(std::move(piece));
  }

  // Optimal one-to-one mapping: maximise total overlap = minimise its negation.
  const size_t n = std::max(nr, nh);
  std::vector<std::vector<double>> cost(n, std::vector<double>(n, 0));
  for (size_t i = 0; i < nr; ++i)
    for (size_t j = 0; j < nh; ++j) cost[i][j] = -overlap[i][j];
  std::vector<int> ref_to_hyp(nr, -1);
  if (nh > 0) {
    std::vector<int> assignment = MinCostAssignment(cost);
    for (size_t i = 0; i < nr; ++i) {
      int j = assignment[i];
      if (j >= 0 && static_cast<size_t>(j) < nh && overlap[i][j] > 0) {
        ref_to_hyp[i] = j;
        result.mapping[ref_names[i]] = hyp_names[j];
      }
    }
  }

  for (const auto& piece : pieces) {
    const double nref = static_cast<double>(piece.ref.size());
    const double nhyp = static_cast<double>(piece.hyp.size());
    int mapped = 0;
    for (int r : piece.ref)
      if (ref_to_hyp[r] >= 0 &&
          std::find(piece.hyp.begin(), piece.hyp.end(), ref_to_hyp[r]) != piece.hyp.end())
        ++mapped;
    result.total += nref * piece.duration;
    result.missed += std::max(nref - nhyp, 0.0) * piece.duration;
    result.false_alarm += std::max(nhyp - nref, 0.0) * piece.duration;
    result.confusion += (std::min(nref, nhyp) - mapped) * piece.duration;
  }
  if (result.total > 0)
    result.der = (result.missed + result.false_alarm + result.confusion) / result.total;
  return result;
}

std::vector<Turn> ReadRttm(const std::string& path, std::string* error) {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return std::vector<Turn>{};
  };
  std::ifstream in(path);
  if (!in) return fail("cannot open " + path);
  std::vector<Turn> turns;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream ls(line);
    std::string type;
    if (!(ls >> type) || type.rfind(";;", 0) == 0 || type[0] == '#') continue;
    if (type != "SPEAKER") continue;
    std::string file, channel, tbeg, tdur, ortho, stype, name;
    if (!(ls >> file >> channel >> tbeg >> tdur >> ortho >> stype >> name))
      return fail(path + ":" + std::to_string(lineno) +
                  ": expected 'SPEAKER file chnl tbeg tdur "
                  "ortho stype name ...'");
    char* end1 = nullptr;
    char* end2 = nullptr;
    double start = std::strtod(tbeg.c_str(), &end1);
    double duration = std::strtod(tdur.c_str(), &end2);
    if (*end1 != '\0' || *end2 != '\0' || duration < 0)
      return fail(path + ":" + std::to_string(lineno) + ": bad time '" + tbeg + " " + tdur + "'");
    turns.push_back({name, start, start + duration});
  }
  if (in.bad()) return fail("error reading " + path);
  if (error) error->clear();
  return turns;
}

std::vector<Turn> TurnsFromSegments(const std::vector<Segment>& segments) {
  std::vector<Turn> turns;
  turns.reserve(segments.size());
  for (const auto& s : segments) turns.push_back({s.speaker, s.start, s.end});
  return turns;
}

}  // namespace minutes::scoring
