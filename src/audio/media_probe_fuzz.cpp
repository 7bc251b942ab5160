// libFuzzer target for what an upload's bytes meet: SniffMediaFormat on the head (FFmpeg's
// probe, as the upload route refuses what is not a recording), then DecodeAudio of the whole
// thing from a file, stopped after 20 s of audio. Input: the file. Checked: nothing crashes, a
// refusal is BadInput (or the sink's own stop), the samples the sink received are the samples
// DecodeInfo counts, and a decoded file has a sample rate and channels.
// FFmpeg itself is Debian's (not instrumented): this exercises our wrapper and its handling of
// whatever FFmpeg returns, not FFmpeg's own code.
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined, -ldl).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "audio/decoder.hpp"
#include "audio/sniff.hpp"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "media_probe_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

const std::string& TempPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/media_probe_fuzz." + std::to_string(getpid());
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto format = minutes::SniffMediaFormat(bytes.substr(0, 4096));
  if (!format.ok() && format.status().kind() != minutes::ErrorKind::kBadInput &&
      format.status().kind() != minutes::ErrorKind::kUnsupportedMedia)
    Fail("sniff refused with an unexpected kind", format.status().message());

  FILE* f = std::fopen(TempPath().c_str(), "wb");
  if (!f) Fail("cannot write", TempPath());
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  constexpr int64_t kEnough = 20 * minutes::kSampleRate;
  int64_t received = 0;
  minutes::DecodeInfo info;
  minutes::Status s = minutes::DecodeAudio(
      TempPath(),
      [&](std::span<const int16_t> block) {
        received += static_cast<int64_t>(block.size());
        if (received > kEnough) return minutes::Status(minutes::ErrorKind::kTooLarge, "enough");
        return minutes::Status::Ok();
      },
      &info);
  std::remove(TempPath().c_str());
  if (!s.ok() && s.kind() != minutes::ErrorKind::kBadInput &&
      s.kind() != minutes::ErrorKind::kTooLarge)
    Fail("decode refused with an unexpected kind", s.message());
  if (s.ok()) {
    if (info.samples != received) Fail("DecodeInfo.samples is not what the sink got", info.codec);
    if (info.source_rate <= 0 || info.source_channels <= 0)
      Fail("decoded without a rate or channels", info.codec);
  }
  return 0;
}
