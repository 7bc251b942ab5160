// Writes a whisper.cpp model of an official size's true shapes with random weights — the same
// generator the tests use — so bench/whisper-bench.sh can time whisper where no real weights
// can be downloaded. Usage: whisper_model_gen SIZE OUT.bin   (SIZE: tiny, base.en, small, …)
#include <cstdio>

#include "asr/whisper_random_model.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SIZE OUT.bin\n", argv[0]);
    return 2;
  }
  auto shape = minutes::WhisperShapeOf(argv[1]);
  if (!shape.ok()) {
    std::fprintf(stderr, "%s\n", shape.status().message().c_str());
    return 2;
  }
  minutes::Status s = minutes::WriteRandomWhisperModel(argv[2], *shape);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
