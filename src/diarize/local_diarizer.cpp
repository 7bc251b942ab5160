#include "diarize/local_diarizer.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "diarize/clustering.hpp"
#include "diarize/features.hpp"

namespace minutes {
namespace {

constexpr double kFrameRate = 100.0;

struct Window {
  double start = 0, end = 0;
  Embedding emb;
};

struct UttFeatures {
  Embedding emb;  // whole-utterance statistics
  std::vector<Window> windows;
  bool ok = false;
};

class LocalDiarizer : public Diarizer {
 public:
  explicit LocalDiarizer(LocalDiarizerParams p) : p_(p) {}
  std::string Name() const override { return "local"; }

  Result<std::vector<SpeakerTurn>> Diarize(const std::vector<Utterance>& utts,
                                           const PcmReader& read,
                                           const DiarizeOptions& o) override {
    if (utts.empty()) return std::vector<SpeakerTurn>{};
    std::vector<UttFeatures> feats(utts.size());
    if (Status s = Extract(utts, read, std::max(1, o.threads), &feats); !s.ok()) return s;
    NormalizeAll(&feats);

    std::vector<size_t> usable;
    for (size_t i = 0; i < utts.size(); ++i)
      if (feats[i].ok) usable.push_back(i);
    if (usable.empty()) return OneSpeaker(utts);

    std::vector<size_t> pts = PickClusterPoints(utts, usable);
    std::vector<Embedding> xs;
    std::vector<double> ws;
    for (size_t i : pts) {
      xs.push_back(feats[i].emb);
      ws.push_back(utts[i].end_s() - utts[i].start_s());
    }
    std::vector<int> labels = ClusterEmbeddings(xs, ws, o.speakers, std::max(1, o.max_speakers));
    int k = labels.empty() ? 1 : *std::max_element(labels.begin(), labels.end()) + 1;

    // Window-level centroids from the clustered utterances, then Viterbi per utterance.
    std::vector<Embedding> centroids = WindowCentroids(feats, pts, labels, k);
    std::vector<SpeakerTurn> turns;
    int last = 0;
    for (size_t i = 0; i < utts.size(); ++i) {
      if (!feats[i].ok || feats[i].windows.empty()) {
        turns.push_back({utts[i].start_s(), utts[i].end_s(), last});
        continue;
      }
      auto path = Viterbi(feats[i].windows, centroids);
      AppendTurns(utts[i], feats[i].windows, path, &turns);
      last = turns.back().speaker;
    }
    return Renumber(std::move(turns));
  }

 private:
  Status Extract(const std::vector<Utterance>& utts, const PcmReader& read, int threads,
                 std::vector<UttFeatures>* out) {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    Status first_error;
    std::mutex err_mu;
    auto work = [&] {
      MfccExtractor mfcc;
      std::vector<int16_t> pcm;
      for (size_t i = next++; i < utts.size() && !failed; i = next++) {
        Status s = read(utts[i].start, utts[i].end, &pcm);
        if (s.ok()) {
          auto c = mfcc.Compute(pcm);
          if (c.ok())
            (*out)[i] = Describe(*c, utts[i].start_s());
          else
            s = c.status();
        }
        if (!s.ok()) {
          std::lock_guard lock(err_mu);
          if (!failed.exchange(true)) first_error = s;
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return failed ? first_error : Status::Ok();
  }

  UttFeatures Describe(const Cepstra& c, double offset) const {
    UttFeatures f;
    size_t n = c.frames();
    if (n < 20) return f;
    f.ok = true;
    f.emb = FrameStats(c, 0, n);
    auto win = static_cast<size_t>(p_.window_s * kFrameRate);
    auto hop = static_cast<size_t>(p_.hop_s * kFrameRate);
    if (n <= win) {
      f.windows.push_back({offset, offset + n / kFrameRate, f.emb});
      return f;
    }
    for (size_t s = 0; s + win <= n + hop / 2; s += hop) {
      size_t e = std::min(n, s + win);
      f.windows.push_back({offset + s / kFrameRate, offset + e / kFrameRate, FrameStats(c, s, e)});
      if (e == n) break;
    }
    return f;
  }

  // One standardisation for utterance and window embeddings, fitted on the windows.
  static void NormalizeAll(std::vector<UttFeatures>* feats) {
    std::vector<double> sum, sq;
    double n = 0;
    for (auto& f : *feats)
      for (auto& w : f.windows) {
        if (sum.empty()) sum.assign(w.emb.size(), 0), sq.assign(w.emb.size(), 0);
        for (size_t d = 0; d < w.emb.size(); ++d) {
          sum[d] += w.emb[d];
          sq[d] += static_cast<double>(w.emb[d]) * w.emb[d];
        }
        n += 1;
      }
    if (n < 2) return;
    std::vector<double> mean(sum.size()), sd(sum.size());
    for (size_t d = 0; d < sum.size(); ++d) {
      mean[d] = sum[d] / n;
      sd[d] = std::sqrt(std::max(1e-9, sq[d] / n - mean[d] * mean[d]));
    }
    auto apply = [&](Embedding& e) {
      for (size_t d = 0; d < e.size(); ++d) e[d] = static_cast<float>((e[d] - mean[d]) / sd[d]);
    };
    // An utterance is described by the mean of its windows, in the same space they live in.
    for (auto& f : *feats) {
      if (!f.ok) continue;
      for (auto& w : f.windows) apply(w.emb);
      std::fill(f.emb.begin(), f.emb.end(), 0.0f);
      for (auto& w : f.windows)
        for (size_t d = 0; d < f.emb.size(); ++d) f.emb[d] += w.emb[d] / f.windows.size();
    }
  }

  std::vector<size_t> PickClusterPoints(const std::vector<Utterance>& utts,
                                        const std::vector<size_t>& usable) const {
    std::vector<size_t> pts;
    for (size_t i : usable)
      if (utts[i].end_s() - utts[i].start_s() >= p_.min_cluster_s) pts.push_back(i);
    if (pts.empty()) pts = usable;
    if (pts.size() > p_.max_cluster_points) {
      std::stable_sort(pts.begin(), pts.end(), [&](size_t a, size_t b) {
        return utts[a].end - utts[a].start > utts[b].end - utts[b].start;
      });
      pts.resize(p_.max_cluster_points);
      std::sort(pts.begin(), pts.end());
    }
    return pts;
  }

  static std::vector<Embedding> WindowCentroids(const std::vector<UttFeatures>& feats,
                                                const std::vector<size_t>& pts,
                                                const std::vector<int>& labels, int k) {
    size_t dims = feats[pts[0]].emb.size();
    std::vector<Embedding> c(static_cast<size_t>(k), Embedding(dims, 0));
    std::vector<double> cnt(static_cast<size_t>(k), 0);
    for (size_t j = 0; j < pts.size(); ++j) {
      auto l = static_cast<size_t>(labels[j]);
      for (auto& w : feats[pts[j]].windows) {
        for (size_t d = 0; d < dims; ++d) c[l][d] += w.emb[d];
        cnt[l] += 1;
      }
    }
    for (size_t l = 0; l < c.size(); ++l)
      for (auto& v : c[l]) v = static_cast<float>(v / std::max(1.0, cnt[l]));
    return c;
  }

  std::vector<int> Viterbi(const std::vector<Window>& ws,
                           const std::vector<Embedding>& centroids) const {
    size_t k = centroids.size(), n = ws.size();
    std::vector<std::vector<double>> cost(n, std::vector<double>(k));
    std::vector<std::vector<int>> back(n, std::vector<int>(k, 0));
    for (size_t c = 0; c < k; ++c) cost[0][c] = CosineDistance(ws[0].emb, centroids[c]);
    for (size_t t = 1; t < n; ++t)
      for (size_t c = 0; c < k; ++c) {
        double best = std::numeric_limits<double>::max();
        for (size_t q = 0; q < k; ++q) {
          double v = cost[t - 1][q] + (q == c ? 0 : p_.switch_penalty);
          if (v < best) best = v, back[t][c] = static_cast<int>(q);
        }
        cost[t][c] = best + CosineDistance(ws[t].emb, centroids[c]);
      }
    std::vector<int> path(n);
    path[n - 1] = static_cast<int>(std::min_element(cost[n - 1].begin(), cost[n - 1].end()) -
                                   cost[n - 1].begin());
    for (size_t t = n - 1; t > 0; --t) path[t - 1] = back[t][static_cast<size_t>(path[t])];
    return path;
  }

  static void AppendTurns(const Utterance& u, const std::vector<Window>& ws,
                          const std::vector<int>& path, std::vector<SpeakerTurn>* turns) {
    double start = u.start_s();
    for (size_t t = 1; t <= ws.size(); ++t) {
      if (t < ws.size() && path[t] == path[t - 1]) continue;
      double end = t < ws.size() ? (ws[t].start + ws[t - 1].end) / 2 : u.end_s();
      turns->push_back({start, end, path[t - 1]});
      start = end;
    }
  }

  static std::vector<SpeakerTurn> OneSpeaker(const std::vector<Utterance>& utts) {
    std::vector<SpeakerTurn> turns;
    for (auto& u : utts) turns.push_back({u.start_s(), u.end_s(), 0});
    return turns;
  }

  static std::vector<SpeakerTurn> Renumber(std::vector<SpeakerTurn> turns) {
    std::map<int, int> order;
    for (auto& t : turns) {
      auto it = order.find(t.speaker);
      if (it == order.end()) it = order.emplace(t.speaker, static_cast<int>(order.size())).first;
      t.speaker = it->second;
    }
    return turns;
  }

  LocalDiarizerParams p_;
};

}  // namespace

std::unique_ptr<Diarizer> MakeLocalDiarizer(LocalDiarizerParams params) {
  return std::make_unique<LocalDiarizer>(params);
}

Result<std::unique_ptr<Diarizer>> MakeDiarizer(const std::string& name) {
  if (name.empty() || name == "local") return MakeLocalDiarizer();
  return Status::BadInput("unknown diarizer '" + name + "' (known: local)");
}

}  // namespace minutes
