#pragma once
// An ONNX model's metadata (ModelProto.metadata_props), read without ONNX Runtime, so that a
// model sherpa-onnx would reject is refused before the library sees it: sherpa-onnx ends the
// whole process (exit) when a key it needs is missing.
#include <map>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// Reads the key/value metadata of the ONNX model at `path` (the graph is skipped, not loaded).
/// NotFound when the file is missing; FailedPrecondition when it is not an ONNX model.
Result<std::map<std::string, std::string>> ReadOnnxMetadata(const std::string& path);

/// Checks that `path` carries what sherpa-onnx 1.13.8 reads from a pyannote segmentation model
/// (sample_rate, window_size, receptive_field_size/shift, num_speakers, powerset_max_classes
/// <= 2, a consistent num_classes); FailedPrecondition names the file and the key.
Status CheckSegmentationModel(const std::string& path);

/// Checks what it reads from a speaker-embedding model (framework wespeaker or 3d-speaker,
/// output_dim, sample_rate, normalize_samples, language, feature_normalize_type).
Status CheckEmbeddingModel(const std::string& path);

}  // namespace minutes
