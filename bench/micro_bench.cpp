// Component throughput: decoding, VAD segmentation, MFCC features, speaker clustering.
// Run: build/bench/micro_bench   (after `cmake --build build --target testdata`)
#include <benchmark/benchmark.h>

#include <random>

#include "audio/decoder.hpp"
#include "audio/vad.hpp"
#include "diarize/clustering.hpp"
#include "diarize/features.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

std::vector<int16_t> LoadStandup() {
  std::vector<int16_t> pcm;
  (void)DecodeAudio(
      minutes::testing::TestData("standup/meeting.wav"),
      [&](std::span<const int16_t> b) {
        pcm.insert(pcm.end(), b.begin(), b.end());
        return Status::Ok();
      },
      nullptr);
  return pcm;
}

void BM_Decode(benchmark::State& state, const char* file) {
  std::string path = minutes::testing::TestData(std::string("formats/") + file);
  int64_t samples = 0;
  for (auto _ : state) {
    DecodeInfo info;
    Status s = DecodeAudio(
        path, [](std::span<const int16_t>) { return Status::Ok(); }, &info);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    samples += info.samples;
  }
  state.counters["x_realtime"] =
      benchmark::Counter(static_cast<double>(samples) / 16000.0, benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Decode, wav, "standup.wav")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, m4a, "standup.m4a")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, opus, "standup.opus")->Unit(benchmark::kMillisecond);

void BM_Segmenter(benchmark::State& state) {
  auto pcm = LoadStandup();
  for (auto _ : state) {
    Segmenter seg;
    std::vector<Utterance> out;
    seg.Push(pcm, &out);
    seg.Finish(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["x_realtime"] = benchmark::Counter(
      static_cast<double>(pcm.size()) / 16000.0 * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Segmenter)->Unit(benchmark::kMillisecond);

void BM_Mfcc(benchmark::State& state) {
  auto pcm = LoadStandup();
  MfccExtractor mfcc;
  for (auto _ : state) {
    auto c = mfcc.Compute(pcm);
    benchmark::DoNotOptimize(c);
  }
  state.counters["x_realtime"] = benchmark::Counter(
      static_cast<double>(pcm.size()) / 16000.0 * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Mfcc)->Unit(benchmark::kMillisecond);

void BM_Cluster(benchmark::State& state) {
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0, 0.5f);
  std::vector<Embedding> xs(static_cast<size_t>(state.range(0)), Embedding(38));
  for (size_t i = 0; i < xs.size(); ++i)
    for (size_t d = 0; d < 38; ++d) xs[i][d] = (d == i % 4 ? 3.0f : 0.0f) + noise(rng);
  std::vector<double> w(xs.size(), 1.0);
  for (auto _ : state) benchmark::DoNotOptimize(ClusterEmbeddings(xs, w, 0, 8));
}
BENCHMARK(BM_Cluster)->Arg(50)->Arg(150)->Arg(300)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace minutes

BENCHMARK_MAIN();
