#include "diarize/local_diarizer.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include "diarize/bic.hpp"
#include "diarize/clustering.hpp"
#include "diarize/features.hpp"
#include "diarize/gmm.hpp"
#include "diarize/resegment.hpp"
#include "diarize/utterance_embedding.hpp"

namespace minutes {
namespace {

constexpr double kFrameRate = kFramesPerSecond;
constexpr size_t kMinFrames = kFramesPerSecond / 5;  // less than 0.2 s describes no voice
constexpr int kTopComponents = 5;  // per frame, the background components that count

// The recording's speech frames, utterance after utterance.
struct Frames {
  Cepstra all;
  std::vector<size_t> begin, end;  // frame range of each utterance
  size_t size(size_t u) const { return end[u] - begin[u]; }
};

class LocalDiarizer : public Diarizer {
 public:
  explicit LocalDiarizer(LocalDiarizerParams p) : p_(p) {}
  std::string Name() const override { return "local"; }

  Result<std::vector<SpeakerTurn>> Diarize(const std::vector<Utterance>& utts,
                                           const PcmReader& read,
                                           const DiarizeOptions& o) override {
    if (utts.empty()) return std::vector<SpeakerTurn>{};
    Frames fr;
    if (Status s = Extract(utts, read, std::max(1, o.threads), &fr); !s.ok()) return s;
    std::vector<size_t> usable;
    for (size_t i = 0; i < utts.size(); ++i)
      if (fr.size(i) >= kMinFrames) usable.push_back(i);
    if (usable.empty()) return OneSpeaker(utts);
    NormalizeFrames(&fr.all);
    DiagonalGmm ubm = DiagonalGmm::Train(fr.all, p_.components);
    DiagonalGmm::Alignment aligned = ubm.Align(fr.all, kTopComponents);

    std::vector<DiagonalGmm::Stats> stats(utts.size());
    for (size_t i : usable) stats[i] = ubm.Accumulate(fr.all, aligned, fr.begin[i], fr.end[i]);
    std::vector<size_t> pts = PickClusterPoints(utts, usable);
    std::vector<FrameRange> ranges;
    std::vector<DiagonalGmm::Stats> pts_stats;
    std::vector<double> ws;
    for (size_t i : pts) {
      ranges.emplace_back(fr.begin[i], fr.end[i]);
      pts_stats.push_back(stats[i]);
      ws.push_back(utts[i].end_s() - utts[i].start_s());
    }
    std::vector<Embedding> xs = UtteranceEmbeddings(fr.all, ranges, pts_stats, ubm, p_.relevance);
    int max_k = std::max(1, o.max_speakers);
    std::vector<int> labels = ClusterEmbeddings(xs, ws, o.speakers, max_k);
    int k = labels.empty() ? 1 : *std::max_element(labels.begin(), labels.end()) + 1;
    if (o.speakers == 0 && p_.extra_clusters > 0 && k < max_k) {
      // The silhouette leaves similar voices together; split further and let the merging
      // below take back what is one voice.
      k = std::min({max_k, k + p_.extra_clusters, static_cast<int>(xs.size())});
      labels = ClusterEmbeddings(xs, ws, k, max_k);
    }

    // Speaker models from the clustered utterances, then Viterbi over every utterance;
    // each pass re-estimates the models from the previous pass's labels. Without a given
    // count, two speakers that are one voice (frames too alike, by their divergence, or too
    // few to tell apart, by ΔBIC) are merged and the last pass run again, until none are.
    std::vector<DiagonalGmm::Stats> per_speaker(static_cast<size_t>(k), Empty(ubm));
    for (size_t j = 0; j < pts.size(); ++j)
      Add(stats[pts[j]], &per_speaker[static_cast<size_t>(labels[j])]);
    auto block = static_cast<size_t>(std::max(1.0, p_.block_s * kFrameRate));
    std::vector<std::vector<int>> paths(utts.size());
    int passes = std::max(1, p_.resegment_passes);
    for (int pass = 0; pass < passes; ++pass) {
      bool last_pass = pass + 1 == passes;
      Pass step =
          Resegment(fr, usable, ubm, aligned, per_speaker, block, last_pass && o.speakers == 0);
      paths = std::move(step.paths);
      per_speaker = std::move(step.per_speaker);
      if (last_pass && step.one_voice) {
        Add(per_speaker[step.closest.second], &per_speaker[step.closest.first]);
        per_speaker.erase(per_speaker.begin() + static_cast<long>(step.closest.second));
        ++passes;
      }
    }

    std::vector<SpeakerTurn> turns;
    int last = 0;
    for (size_t i = 0; i < utts.size(); ++i) {
      if (paths[i].empty()) {
        turns.push_back({utts[i].start_s(), utts[i].end_s(), last});
        continue;
      }
      AppendTurns(utts[i], paths[i], block / kFrameRate, &turns);
      last = turns.back().speaker;
    }
    return RenumberByFirstAppearance(std::move(turns));
  }

 private:
  struct Pass {
    std::vector<std::vector<int>> paths;          // block labels per utterance
    std::vector<DiagonalGmm::Stats> per_speaker;  // statistics of the frames each was given
    bool one_voice = false;  // `closest` are one voice (the lowest ΔBIC of such pairs)
    std::pair<size_t, size_t> closest{0, 0};
  };

  Pass Resegment(const Frames& fr, const std::vector<size_t>& usable, const DiagonalGmm& ubm,
                 const DiagonalGmm::Alignment& aligned,
                 const std::vector<DiagonalGmm::Stats>& per_speaker, size_t block,
                 bool compare_speakers) const {
    std::vector<DiagonalGmm> models;
    for (auto& s : per_speaker) models.push_back(ubm.AdaptMeans(s, p_.relevance));
    size_t k = models.size();
    Pass out;
    out.paths.resize(fr.begin.size());
    out.per_speaker.assign(k, Empty(ubm));
    std::vector<GaussianStats> gauss(k, GaussianStats(fr.all.dims));
    for (size_t i : usable) {
      auto scores = FrameScores(fr.all, fr.begin[i], fr.end[i], aligned, models);
      auto& path = out.paths[i];
      path = ViterbiBlocks(scores, k, block, p_.switch_penalty);
      for (size_t b = 0; b < path.size(); ++b) {
        size_t s = fr.begin[i] + b * block, e = std::min(fr.end[i], s + block);
        auto who = static_cast<size_t>(path[b]);
        Add(ubm.Accumulate(fr.all, aligned, s, e), &out.per_speaker[who]);
        if (compare_speakers)
          for (size_t f = s; f < e; ++f) gauss[who].Add(fr.all.frame(f));
      }
    }
    if (!compare_speakers) return out;
    double lowest_bic = 1e300;
    for (size_t a = 0; a < k; ++a)
      for (size_t b = a + 1; b < k; ++b) {
        double bic = DeltaBic(gauss[a], gauss[b], p_.bic_penalty);
        bool one = bic < 0 || GaussianDivergence(gauss[a], gauss[b]) < p_.min_divergence;
        if (!one || bic >= lowest_bic) continue;
        lowest_bic = bic;
        out.closest = {a, b};
        out.one_voice = true;
      }
    return out;
  }

  static Status Extract(const std::vector<Utterance>& utts, const PcmReader& read, int threads,
                        Frames* out) {
    std::vector<Cepstra> per_utt(utts.size());
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
            per_utt[i] = std::move(*c);
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
    if (failed) return first_error;
    for (auto& c : per_utt) {
      out->begin.push_back(out->all.frames());
      if (c.dims) out->all.dims = c.dims;
      out->all.data.insert(out->all.data.end(), c.data.begin(), c.data.end());
      out->end.push_back(out->all.frames());
    }
    return Status::Ok();
  }

  static DiagonalGmm::Stats Empty(const DiagonalGmm& g) {
    return {std::vector<double>(static_cast<size_t>(g.size()), 0),
            std::vector<double>(static_cast<size_t>(g.size() * g.dims()), 0)};
  }

  static void Add(const DiagonalGmm::Stats& from, DiagonalGmm::Stats* to) {
    for (size_t c = 0; c < from.n.size(); ++c) to->n[c] += from.n[c];
    for (size_t c = 0; c < from.f.size(); ++c) to->f[c] += from.f[c];
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

  static void AppendTurns(const Utterance& u, const std::vector<int>& path, double block_s,
                          std::vector<SpeakerTurn>* turns) {
    double start = u.start_s();
    for (size_t t = 1; t <= path.size(); ++t) {
      if (t < path.size() && path[t] == path[t - 1]) continue;
      double end = t < path.size() ? std::min(u.end_s(), u.start_s() + t * block_s) : u.end_s();
      if (end > start) turns->push_back({start, end, path[t - 1]});
      start = end;
    }
  }

  static std::vector<SpeakerTurn> OneSpeaker(const std::vector<Utterance>& utts) {
    std::vector<SpeakerTurn> turns;
    for (auto& u : utts) turns.push_back({u.start_s(), u.end_s(), 0});
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
