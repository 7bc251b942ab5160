#pragma once
// sherpa-onnx's C API (and the ONNX Runtime beside it) loaded with dlopen when neural
// diarization is first asked for: a binary without the libraries starts and runs, and only the
// neural engine reports them missing.
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "diarize/sherpa_api.hpp"

namespace minutes {

/// Pointers to the sherpa-onnx functions of sherpa_api.hpp, named as in its header.
struct SherpaApi {
#define MINUTES_SHERPA_POINTER(name) decltype(&::name) name = nullptr;
  MINUTES_SHERPA_FUNCTIONS(MINUTES_SHERPA_POINTER)
#undef MINUTES_SHERPA_POINTER
};

/// The C API library's file name; ONNX Runtime is found beside it (the library's RPATH is $ORIGIN).
inline constexpr const char* kSherpaLibraryName = "libsherpa-onnx-c-api.so";

/// The one sherpa-onnx version whose structs sherpa_api.hpp declares.
inline constexpr const char* kSherpaVersion = "1.13.8";

/// Loads `library` (a path, or a bare name the dynamic loader searches) once per process per
/// name; thread-safe. A missing library or function, or another version, is kind Unavailable.
Result<const SherpaApi*> LoadSherpa(const std::string& library = kSherpaLibraryName);

/// What to run: the pyannote segmentation model, the speaker-embedding model, the clustering.
struct SherpaDiarizationParams {
  std::string segmentation_model;  ///< pyannote segmentation-3.0 ONNX file
  std::string embedding_model;     ///< 3D-Speaker / WeSpeaker ONNX file
  int num_speakers = 0;            ///< > 0: exactly this many; else `threshold` decides
  float threshold = 0.5f;          ///< cosine distance below which clusters merge
  float min_duration_on = 0.3f;    ///< shorter turns are dropped (seconds)
  float min_duration_off = 0.5f;   ///< shorter gaps within one speaker are closed (seconds)
  int threads = 1;                 ///< ONNX Runtime threads per model
};

/// One segment of sherpa-onnx's result: seconds, and a 0-based cluster number.
struct SherpaSegment {
  double start = 0;
  double end = 0;
  int speaker = 0;
};

/// One sherpa-onnx offline diarization pipeline (both models loaded once). Thread-compatible:
/// one Process at a time.
class SherpaDiarization {
 public:
  /// Missing model files are NotFound; models without the metadata sherpa-onnx needs, or that it
  /// refuses, are FailedPrecondition.
  static Result<std::unique_ptr<SherpaDiarization>> Create(const SherpaApi& api,
                                                           const SherpaDiarizationParams& params);
  ~SherpaDiarization();
  SherpaDiarization(const SherpaDiarization&) = delete;
  SherpaDiarization& operator=(const SherpaDiarization&) = delete;

  /// The sample rate the models expect (16000 for pyannote segmentation-3.0).
  int SampleRate() const;
  /// Sets the clustering for the next Process: `num_speakers` > 0 clusters, else `threshold`
  /// (a cosine distance in (0, 2)); other values are BadInput.
  Status SetClustering(int num_speakers, float threshold);
  /// Diarizes mono samples in [-1, 1]; segments sorted by start (they may overlap where the
  /// model hears two speakers at once).
  Result<std::vector<SherpaSegment>> Process(const std::vector<float>& samples) const;

 private:
  SherpaDiarization(const SherpaApi& api, const SherpaOnnxOfflineSpeakerDiarization* sd)
      : api_(api), sd_(sd) {}

  const SherpaApi& api_;
  const SherpaOnnxOfflineSpeakerDiarization* sd_;
};

}  // namespace minutes
