#pragma once
// Neural diarization: sherpa-onnx running a pyannote segmentation model and a speaker-embedding
// model (3D-Speaker / WeSpeaker) with clustering, pulled like whisper's models.
#include <memory>
#include <string>
#include <vector>

#include "diarize/diarizer.hpp"
#include "diarize/sherpa_runtime.hpp"

namespace minutes {

struct NeuralDiarizerParams {
  std::string library = kSherpaLibraryName;  ///< sherpa-onnx's C API library (path or name)
  std::string segmentation_model;            ///< pyannote segmentation-3.0 ONNX file
  std::string embedding_model;               ///< speaker-embedding ONNX file
  float threshold = 0.5f;  ///< clustering's cosine distance when the speaker count is unknown
  int threads = 1;         ///< ONNX Runtime threads per model, fixed when the models load
};

/// Loads the library and both models once (errors: Unavailable without the library, NotFound
/// without a model file, FailedPrecondition for models sherpa-onnx refuses).
Result<std::unique_ptr<Diarizer>> MakeNeuralDiarizer(const NeuralDiarizerParams& params);

/// Labels the utterances' speech with sherpa-onnx's segments: each stretch of an utterance takes
/// the speaker of the segment covering it (where two overlap, the one covering more of the
/// utterance; where none does, the nearest), so turns are in time order, never overlap and cover
/// every utterance; speakers are renumbered by first appearance. No segments: one speaker.
std::vector<SpeakerTurn> TurnsFromSegments(const std::vector<Utterance>& utterances,
                                           const std::vector<SherpaSegment>& segments);

}  // namespace minutes
