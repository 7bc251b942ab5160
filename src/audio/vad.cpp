#include "audio/vad.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "audio/speech_libs.hpp"

namespace minutes {
namespace {
constexpr int kFrame = 480;  // 30 ms at 16 kHz
constexpr double kFrameS = 0.03;
}  // namespace

struct Segmenter::Impl {
  SegmenterParams p;
  WebRtcVadInst* vad = nullptr;
  std::vector<int16_t> pending;  // < one frame
  int64_t frame_index = 0;       // frames consumed
  bool in_speech = false;
  int64_t speech_start = 0;      // frame index of first voiced frame of the open utterance
  int64_t last_voiced = -1;      // frame index
  int64_t utt_begin_sample = 0;  // start sample of the open utterance (after padding)
  int64_t last_end_sample = 0;   // end of the previous utterance, to avoid overlap
  std::deque<bool> recent;       // onset detection window
  std::vector<float> energy;     // per-frame log energy since speech_start

  int64_t Frames(double s) const { return static_cast<int64_t>(std::lround(s / kFrameS)); }
  int64_t PadSamples() const { return static_cast<int64_t>(p.pad * 16000); }

  void Close(int64_t end_frame_excl, std::vector<Utterance>* out) {
    int64_t end = end_frame_excl * kFrame + PadSamples();
    end = std::min(end, frame_index * kFrame);
    double len = (end_frame_excl - speech_start) * kFrameS;
    if (len >= p.min_speech) {
      out->push_back({utt_begin_sample, end});
      last_end_sample = end;
    }
    in_speech = false;
    energy.clear();
  }

  void Open(int64_t first_voiced) {
    in_speech = true;
    speech_start = first_voiced;
    utt_begin_sample = std::max(last_end_sample, first_voiced * kFrame - PadSamples());
    energy.clear();
  }

  // Cuts an over-long utterance at its quietest frame in the last third, continuing after it.
  void Split(std::vector<Utterance>* out) {
    size_t n = energy.size();
    size_t from = n - n / 3;
    size_t best = from;
    for (size_t i = from; i < n; ++i)
      if (energy[i] < energy[best]) best = i;
    int64_t cut_frame = speech_start + static_cast<int64_t>(best);
    int64_t cut = cut_frame * kFrame + kFrame / 2;
    out->push_back({utt_begin_sample, cut});
    last_end_sample = cut;
    std::vector<float> rest(energy.begin() + static_cast<std::ptrdiff_t>(best) + 1, energy.end());
    speech_start = cut_frame + 1;
    utt_begin_sample = cut;
    energy = std::move(rest);
  }

  void Frame(const int16_t* s, std::vector<Utterance>* out) {
    bool voiced = WebRtcVad().WebRtcVad_Process(vad, 16000, s, kFrame) == 1;
    double e = 0;
    for (int i = 0; i < kFrame; ++i) e += static_cast<double>(s[i]) * s[i];
    float loge = static_cast<float>(std::log10(e / kFrame + 1.0));
    recent.push_back(voiced);
    if (recent.size() > 5) recent.pop_front();
    int64_t f = frame_index++;
    if (voiced) last_voiced = f;
    if (!in_speech) {
      int count = static_cast<int>(std::count(recent.begin(), recent.end(), true));
      if (count >= 3) {
        int64_t first = f - static_cast<int64_t>(recent.size()) + 1;
        for (size_t i = 0; i < recent.size(); ++i)
          if (recent[i]) {
            first = f - static_cast<int64_t>(recent.size()) + 1 + static_cast<int64_t>(i);
            break;
          }
        Open(first);
        for (int64_t k = first; k <= f; ++k) energy.push_back(loge);
      }
      return;
    }
    energy.push_back(loge);
    if (f - last_voiced >= Frames(p.min_pause)) {
      Close(last_voiced + 1, out);
      recent.clear();
      return;
    }
    if (static_cast<double>(energy.size()) * kFrameS >= p.max_utterance - 2 * p.pad) Split(out);
  }
};

Status LoadVad() { return LoadWebRtcVad().status(); }

Segmenter::Segmenter(SegmenterParams params) : impl_(std::make_unique<Impl>()) {
  impl_->p = params;
  // Callers that can answer with an error check LoadWebRtcVad() first (the pipeline does); here
  // the library missing from an installation is fatal and says which one.
  if (auto api = LoadWebRtcVad(); !api.ok()) {
    std::fprintf(stderr, "minutes: %s\n", api.status().message().c_str());
    std::abort();
  }
  impl_->vad = WebRtcVad().WebRtcVad_Create();
  WebRtcVad().WebRtcVad_Init(impl_->vad);
  WebRtcVad().WebRtcVad_set_mode(impl_->vad, std::clamp(params.vad_mode, 0, 3));
}

Segmenter::~Segmenter() { WebRtcVad().WebRtcVad_Free(impl_->vad); }

void Segmenter::Push(std::span<const int16_t> samples, std::vector<Utterance>* out) {
  auto& pend = impl_->pending;
  size_t i = 0;
  if (!pend.empty()) {
    size_t take = std::min(samples.size(), static_cast<size_t>(kFrame) - pend.size());
    pend.insert(pend.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(take));
    i = take;
    if (pend.size() < static_cast<size_t>(kFrame)) return;
    impl_->Frame(pend.data(), out);
    pend.clear();
  }
  for (; i + kFrame <= samples.size(); i += kFrame) impl_->Frame(samples.data() + i, out);
  pend.assign(samples.begin() + static_cast<std::ptrdiff_t>(i), samples.end());
}

void Segmenter::Finish(std::vector<Utterance>* out) {
  if (!impl_->pending.empty()) {
    impl_->pending.resize(kFrame, 0);
    impl_->Frame(impl_->pending.data(), out);
    impl_->pending.clear();
  }
  if (impl_->in_speech) impl_->Close(impl_->last_voiced + 1, out);
}

}  // namespace minutes
