#include "diarize/neural_diarizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace minutes {
namespace {

constexpr int kSampleRate = 16000;

double Overlap(double s1, double e1, double s2, double e2) {
  return std::max(0.0, std::min(e1, e2) - std::max(s1, s2));
}

// The speaker of [s, e] within the utterance [us, ue].
int SpeakerAt(const std::vector<SherpaSegment>& segments, double s, double e, double us,
              double ue) {
  int best = -1;
  double best_cover = 0;
  for (const auto& g : segments) {
    if (Overlap(s, e, g.start, g.end) <= 0) continue;
    double cover = Overlap(us, ue, g.start, g.end);
    if (best < 0 || cover > best_cover) best = g.speaker, best_cover = cover;
  }
  if (best >= 0) return best;
  double mid = (s + e) / 2, nearest = std::numeric_limits<double>::max();
  for (const auto& g : segments) {
    double d = mid < g.start ? g.start - mid : mid > g.end ? mid - g.end : 0;
    if (d < nearest) nearest = d, best = g.speaker;
  }
  return best;
}

int Speakers(const std::vector<SherpaSegment>& segments) {
  std::vector<int> ids;
  for (const auto& g : segments) ids.push_back(g.speaker);
  std::sort(ids.begin(), ids.end());
  return static_cast<int>(std::unique(ids.begin(), ids.end()) - ids.begin());
}

class NeuralDiarizer : public Diarizer {
 public:
  NeuralDiarizer(std::unique_ptr<SherpaDiarization> sd, float threshold)
      : sd_(std::move(sd)), threshold_(threshold) {}
  std::string Name() const override { return "neural"; }

  Result<std::vector<SpeakerTurn>> Diarize(const std::vector<Utterance>& utts,
                                           const PcmReader& read,
                                           const DiarizeOptions& o) override {
    if (utts.empty()) return std::vector<SpeakerTurn>{};
    int64_t end = 0;
    for (const auto& u : utts) end = std::max(end, u.end);
    std::vector<int16_t> pcm;
    if (Status s = read(0, end, &pcm); !s.ok()) return s;
    std::vector<float> samples(pcm.size());
    std::transform(pcm.begin(), pcm.end(), samples.begin(), [](int16_t v) { return v / 32768.0f; });
    pcm = {};
    // The clustering is set per call: the speaker count is a property of the recording.
    if (Status s = sd_->SetClustering(o.speakers, threshold_); !s.ok()) return s;
    auto segments = sd_->Process(samples);
    if (!segments.ok()) return segments.status();
    // The threshold found more speakers than allowed: cluster again into the most allowed.
    if (o.speakers <= 0 && o.max_speakers > 0 && Speakers(*segments) > o.max_speakers) {
      if (Status s = sd_->SetClustering(o.max_speakers, threshold_); !s.ok()) return s;
      segments = sd_->Process(samples);
      if (!segments.ok()) return segments.status();
    }
    return TurnsFromSegments(utts, *segments);
  }

 private:
  std::unique_ptr<SherpaDiarization> sd_;
  float threshold_;
};

}  // namespace

std::vector<SpeakerTurn> TurnsFromSegments(const std::vector<Utterance>& utts,
                                           const std::vector<SherpaSegment>& segments) {
  std::vector<SpeakerTurn> turns;
  for (const auto& u : utts) {
    double us = u.start_s(), ue = u.end_s();
    if (ue <= us) continue;
    if (segments.empty()) {
      turns.push_back({us, ue, 0});
      continue;
    }
    std::vector<double> cuts = {us, ue};
    for (const auto& g : segments)
      for (double t : {g.start, g.end})
        if (t > us && t < ue) cuts.push_back(t);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      int speaker = SpeakerAt(segments, cuts[i], cuts[i + 1], us, ue);
      if (!turns.empty() && turns.back().speaker == speaker && turns.back().end >= cuts[i])
        turns.back().end = cuts[i + 1];
      else
        turns.push_back({cuts[i], cuts[i + 1], speaker});
    }
  }
  return RenumberByFirstAppearance(std::move(turns));
}

Result<std::unique_ptr<Diarizer>> MakeNeuralDiarizer(const NeuralDiarizerParams& p) {
  auto api = LoadSherpa(p.library);
  if (!api.ok()) return api.status();
  SherpaDiarizationParams sp;
  sp.segmentation_model = p.segmentation_model;
  sp.embedding_model = p.embedding_model;
  sp.threshold = p.threshold;
  sp.threads = std::max(1, p.threads);
  auto sd = SherpaDiarization::Create(**api, sp);
  if (!sd.ok()) return sd.status();
  if ((*sd)->SampleRate() != kSampleRate)
    return Status::FailedPrecondition("diarization model '" + p.segmentation_model + "' expects " +
                                      std::to_string((*sd)->SampleRate()) + " Hz audio, not 16000");
  return std::unique_ptr<Diarizer>(new NeuralDiarizer(std::move(*sd), p.threshold));
}

}  // namespace minutes
