#pragma once
// A whisper.cpp model file with the true tensor shapes and random weights, in the ggml layout
// whisper.cpp's models/convert-pt-to-ggml.py writes (magic, hparams, mel filters, vocabulary,
// then named tensors: f16 matrices, f32 vectors, conv biases and positional embeddings). It
// transcribes nonsense, but it exercises everything else: loading, states, chunking, timestamps,
// memory, speed. Model weights cannot be downloaded here; tests and the benchmark use this.
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// The shapes of one official model size.
struct WhisperShape {
  int n_vocab = 51864;  ///< 51864 for .en models, 51865 multilingual
  int n_state = 384;    ///< audio and text state
  int n_head = 6;
  int n_layer = 4;  ///< audio and text layers
  int n_mels = 80;
};

/// "tiny", "tiny.en", "base", "base.en", "small", "small.en"; BadInput otherwise.
Result<WhisperShape> WhisperShapeOf(const std::string& name);

/// Writes the model to `path` (replacing it); deterministic for a given `seed`.
Status WriteRandomWhisperModel(const std::string& path, const WhisperShape& shape,
                               uint32_t seed = 1);

}  // namespace minutes
