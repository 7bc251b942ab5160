// Requests and bytes an OpenAI-compatible speech provider receives per hour of audio: one WAV
// request per utterance (how utterances went up before pieces) against packed FLAC pieces, on a
// long synthesized meeting, through the real pipeline and the strict fake server of the tests.
//   asr_requests_bench [RECORDING] [URL-PARAMETERS...]   e.g. asr_requests_bench x.wav piece_s=60
// Not in CI: `cmake --build build --target bench_testdata asr_requests_bench` first.
#include <algorithm>
#include <cstdio>

#include "audio/decoder.hpp"
#include "audio/vad.hpp"
#include "fake_transcription_server.hpp"
#include "pipeline/pipeline.hpp"
#include "testdata.hpp"

using namespace minutes;

namespace {

// What went up before pieces: the VAD's utterances, each as a 16-bit WAV (44-byte header).
struct PerUtterance {
  size_t requests = 0, wav_bytes = 0;
  double seconds = 0;
  double billed_s = 0;  // at a 10 s minimum per request (Groq's)
};

PerUtterance Utterances(const std::string& path) {
  PerUtterance p;
  if (!LoadVad().ok()) return p;
  Segmenter seg;
  std::vector<Utterance> utts;
  DecodeInfo info;
  (void)DecodeAudio(
      path,
      [&](std::span<const int16_t> b) {
        seg.Push(b, &utts);
        return Status::Ok();
      },
      &info);
  seg.Finish(&utts);
  p.requests = utts.size();
  for (auto& u : utts) {
    p.wav_bytes += 44 + static_cast<size_t>(u.end - u.start) * 2;
    p.billed_s += std::max(10.0, u.end_s() - u.start_s());
  }
  p.seconds = info.seconds();
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : (testing::TestData("long60") / "meeting.wav").string();
  std::string params;
  for (int i = 2; i < argc; ++i) params += std::string("&") + argv[i];
  testing::FakeTranscriptionServer server;
  PipelineOptions po;
  po.engine = "openai+http://:sk-asr@127.0.0.1:" + std::to_string(server.port()) +
              "/v1?model=whisper-1" + params;
  po.hotwords = {"Minutes"};
  auto r = TranscribeRecording(path, po, {});
  if (!r.ok()) {
    std::fprintf(stderr, "asr_requests_bench: %s\n", r.status().message().c_str());
    return 1;
  }
  PerUtterance before = Utterances(path);
  size_t bytes = 0, audio_bytes = 0;
  double sent_s = 0, billed_s = 0;
  for (auto& a : server.audio()) {
    bytes += a.bytes, audio_bytes += a.file_bytes, sent_s += a.seconds;
    billed_s += std::max(10.0, a.seconds);
  }
  const size_t n = server.audio().size();
  const double form = n ? static_cast<double>(bytes - audio_bytes) / static_cast<double>(n) : 0;
  const double hours = r->audio.seconds() / 3600;
  std::printf("%s: %.1f min of audio, %zu utterances; %s\n", path.c_str(), hours * 60,
              r->utterances, server.violations().empty() ? "no violations" : "VIOLATIONS");
  std::printf(
      "per utterance (WAV): %8.1f requests/h  %8.1f MB/h  (%.0f s billed per hour at a "
      "10 s minimum)\n",
      static_cast<double>(before.requests) / hours,
      (static_cast<double>(before.wav_bytes) + form * static_cast<double>(before.requests)) /
          hours / 1e6,
      before.billed_s / hours);
  std::printf(
      "packed (FLAC):       %8.1f requests/h  %8.1f MB/h  (%.0f s billed per hour; "
      "largest request %.2f MB)\n",
      static_cast<double>(n) / hours, static_cast<double>(bytes) / hours / 1e6, billed_s / hours,
      [&] {
        size_t m = 0;
        for (auto& a : server.audio()) m = std::max(m, a.bytes);
        return static_cast<double>(m) / 1e6;
      }());
  return server.violations().empty() ? 0 : 1;
}
