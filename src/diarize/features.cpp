#include "diarize/features.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "audio/speech_libs.hpp"

namespace minutes {
namespace {
constexpr int kCeps = 20;  // c0..c19; c0 (energy) is dropped
}

struct MfccExtractor::Impl {
  fe_t* fe = nullptr;
  Status status;  // why there is no front end
};

MfccExtractor::MfccExtractor() : impl_(std::make_unique<Impl>()) {
  static std::mutex init;
  std::lock_guard lock(init);
  if (auto api = LoadSphinx(); !api.ok()) {
    impl_->status = api.status();
    return;
  }
  Sphinx().err_set_logfp(nullptr);
  cmd_ln_t* cfg =
      Sphinx().cmd_ln_init(nullptr, Sphinx().fe_get_args(), TRUE, "-samprate", "16000", "-ncep",
                           std::to_string(kCeps).c_str(), "-nfilt", "40", "-lowerf", "60",
                           "-upperf", "7600", "-remove_silence", "no", "-transform", "dct",
                           "-frate", std::to_string(kFramesPerSecond).c_str(), nullptr);
  impl_->fe = cfg ? Sphinx().fe_init_auto_r(cfg) : nullptr;
  if (cfg) Sphinx().cmd_ln_free_r(cfg);
  if (!impl_->fe) impl_->status = Status::Internal("the MFCC front end failed to initialise");
}

MfccExtractor::~MfccExtractor() {
  if (impl_->fe) Sphinx().fe_free(impl_->fe);
}

Result<Cepstra> MfccExtractor::Compute(std::span<const int16_t> samples) {
  if (!impl_->fe) return impl_->status;
  Cepstra out;
  out.dims = kCeps - 1;
  if (samples.size() < 400) return out;
  mfcc_t** cep = nullptr;
  int32 n = 0;
  if (Sphinx().fe_process_utt(impl_->fe, samples.data(), samples.size(), &cep, &n) < 0)
    return Status::Internal("MFCC computation failed");
  out.data.reserve(static_cast<size_t>(n) * static_cast<size_t>(out.dims));
  for (int32 i = 0; i < n; ++i)
    for (int d = 1; d < kCeps; ++d) out.data.push_back(static_cast<float>(cep[i][d]));
  Sphinx().fe_free_2d(cep);
  return out;
}

void NormalizeFrames(Cepstra* c) {
  auto dims = static_cast<size_t>(c->dims);
  size_t n = c->frames();
  if (n < 2) return;
  std::vector<double> sum(dims, 0), sq(dims, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t d = 0; d < dims; ++d) {
      double v = c->data[i * dims + d];
      sum[d] += v;
      sq[d] += v * v;
    }
  for (size_t d = 0; d < dims; ++d) {
    double m = sum[d] / static_cast<double>(n);
    double sd = std::sqrt(std::max(1e-9, sq[d] / static_cast<double>(n) - m * m));
    for (size_t i = 0; i < n; ++i)
      c->data[i * dims + d] = static_cast<float>((c->data[i * dims + d] - m) / sd);
  }
}

std::vector<float> FrameStats(const Cepstra& c, size_t begin, size_t end) {
  size_t dims = static_cast<size_t>(c.dims);
  std::vector<float> out(2 * dims, 0.0f);
  end = std::min(end, c.frames());
  if (end <= begin) return out;
  std::vector<double> sum(dims, 0), sq(dims, 0);
  for (size_t i = begin; i < end; ++i) {
    const float* f = c.frame(i);
    for (size_t d = 0; d < dims; ++d) {
      sum[d] += f[d];
      sq[d] += static_cast<double>(f[d]) * f[d];
    }
  }
  double n = static_cast<double>(end - begin);
  for (size_t d = 0; d < dims; ++d) {
    double m = sum[d] / n;
    out[d] = static_cast<float>(m);
    out[dims + d] = static_cast<float>(std::sqrt(std::max(0.0, sq[d] / n - m * m)));
  }
  return out;
}

}  // namespace minutes
