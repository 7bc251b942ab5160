#include "diarize/clustering.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace minutes {

void Standardize(std::vector<Embedding>* xs) {
  if (xs->empty()) return;
  size_t dims = xs->front().size(), n = xs->size();
  for (size_t d = 0; d < dims; ++d) {
    double sum = 0, sq = 0;
    for (auto& x : *xs) {
      sum += x[d];
      sq += static_cast<double>(x[d]) * x[d];
    }
    double m = sum / static_cast<double>(n);
    double sd = std::sqrt(std::max(1e-12, sq / static_cast<double>(n) - m * m));
    for (auto& x : *xs) x[d] = static_cast<float>((x[d] - m) / sd);
  }
}

double CosineDistance(const Embedding& a, const Embedding& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na <= 0 || nb <= 0) return 1.0;
  return 1.0 - dot / std::sqrt(na * nb);
}

double Silhouette(const std::vector<std::vector<double>>& dist, const std::vector<int>& labels,
                  const std::vector<double>& weights) {
  int k = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  if (k < 2) return 0;
  double total = 0, wsum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::vector<double> sum(static_cast<size_t>(k), 0), cnt(static_cast<size_t>(k), 0);
    for (size_t j = 0; j < labels.size(); ++j) {
      if (i == j) continue;
      sum[static_cast<size_t>(labels[j])] += dist[i][j] * weights[j];
      cnt[static_cast<size_t>(labels[j])] += weights[j];
    }
    auto own = static_cast<size_t>(labels[i]);
    if (cnt[own] <= 0) {  // singleton: silhouette 0 by convention, but it still counts
      wsum += weights[i];
      continue;
    }
    double a = sum[own] / cnt[own], b = std::numeric_limits<double>::max();
    for (size_t c = 0; c < static_cast<size_t>(k); ++c)
      if (c != own && cnt[c] > 0) b = std::min(b, sum[c] / cnt[c]);
    double s = (b - a) / std::max(a, b);
    total += s * weights[i];
    wsum += weights[i];
  }
  return wsum > 0 ? total / wsum : 0;
}

namespace {

std::vector<int> Relabel(const std::vector<int>& raw) {
  std::map<int, int> order;
  std::vector<int> out(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    auto it = order.find(raw[i]);
    if (it == order.end()) it = order.emplace(raw[i], static_cast<int>(order.size())).first;
    out[i] = it->second;
  }
  return out;
}

}  // namespace

std::vector<int> ClusterEmbeddings(const std::vector<Embedding>& xs,
                                   const std::vector<double>& weights, int k, int max_k,
                                   double min_silhouette, double min_split_distance) {
  size_t n = xs.size();
  if (n == 0) return {};
  if (n == 1) return {0};
  std::vector<std::vector<double>> dist(n, std::vector<double>(n, 0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) dist[i][j] = dist[j][i] = CosineDistance(xs[i], xs[j]);

  // Average linkage over cluster sizes measured in weight (seconds of speech).
  std::vector<int> label(n);
  for (size_t i = 0; i < n; ++i) label[i] = static_cast<int>(i);
  std::vector<std::vector<double>> cd = dist;  // cluster-to-cluster distance, by cluster id
  std::vector<double> cw(weights.begin(), weights.end());
  std::vector<bool> alive(n, true);
  size_t clusters = n;
  std::map<size_t, std::vector<int>> snapshots;  // cluster count -> labels
  double last_merge = 0;                         // linkage distance of the final merge
  size_t want_max = static_cast<size_t>(std::max(1, k > 0 ? k : max_k));
  if (clusters <= want_max) snapshots[clusters] = label;
  while (clusters > 1) {
    double best = std::numeric_limits<double>::max();
    size_t a = 0, b = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!alive[i]) continue;
      for (size_t j = i + 1; j < n; ++j)
        if (alive[j] && cd[i][j] < best) best = cd[i][j], a = i, b = j;
    }
    for (size_t j = 0; j < n; ++j) {
      if (!alive[j] || j == a || j == b) continue;
      double v = (cd[a][j] * cw[a] + cd[b][j] * cw[b]) / (cw[a] + cw[b]);
      cd[a][j] = cd[j][a] = v;
    }
    cw[a] += cw[b];
    alive[b] = false;
    last_merge = best;
    for (auto& l : label)
      if (l == static_cast<int>(b)) l = static_cast<int>(a);
    --clusters;
    if (clusters <= want_max) snapshots[clusters] = label;
  }
  if (k > 0) return Relabel(snapshots[std::min(static_cast<size_t>(k), n)]);

  std::vector<int> best_labels = Relabel(snapshots[1]);
  // When even the two most different groups are close, it is one voice.
  if (last_merge < min_split_distance) return best_labels;
  double best_score = min_silhouette;
  for (auto& [count, raw] : snapshots) {
    if (count < 2) continue;
    auto l = Relabel(raw);
    double s = Silhouette(dist, l, weights);
    if (s > best_score) best_score = s, best_labels = l;
  }
  return best_labels;
}

}  // namespace minutes
