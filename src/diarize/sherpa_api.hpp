#pragma once
// The part of sherpa-onnx's C API (k2-fsa/sherpa-onnx, sherpa-onnx/c-api/c-api.h) that offline
// speaker diarization uses, declared here: the library is loaded with dlopen (sherpa_runtime.hpp),
// so only these declarations are needed to build. The layout is 1.13.8's, which grew since the
// v1.13.4 header: window_shift_ratio (1.13.6), compute_confidence and the segments' confidence.
// They were read off the 1.13.8 library itself (the offsets SherpaOnnxCreateOfflineSpeaker-
// Diarization reads, the 16-byte segments it returns, the names its config ToString prints);
// the static_asserts below pin the sizes. A library of another version must be checked again.
#include <cstddef>
#include <cstdint>

extern "C" {

struct SherpaOnnxOfflineSpeakerSegmentationPyannoteModelConfig {
  const char* model;
  float window_shift_ratio;  ///< window step as a share of the window; <= 0: 0.1
};

struct SherpaOnnxOfflineSpeakerSegmentationModelConfig {
  SherpaOnnxOfflineSpeakerSegmentationPyannoteModelConfig pyannote;
  int32_t num_threads;
  int32_t debug;
  const char* provider;
};

struct SherpaOnnxSpeakerEmbeddingExtractorConfig {
  const char* model;
  int32_t num_threads;
  int32_t debug;
  const char* provider;
};

/// num_clusters > 0 wins over threshold (a cosine distance for complete-linkage clustering).
struct SherpaOnnxFastClusteringConfig {
  int32_t num_clusters;
  float threshold;
};

/// Zero fields take the library's defaults (1 thread, "cpu", threshold 0.5, min_duration_on
/// 0.3 s, min_duration_off 0.5 s).
struct SherpaOnnxOfflineSpeakerDiarizationConfig {
  SherpaOnnxOfflineSpeakerSegmentationModelConfig segmentation;
  SherpaOnnxSpeakerEmbeddingExtractorConfig embedding;
  SherpaOnnxFastClusteringConfig clustering;
  int32_t compute_confidence;  ///< non-zero: segments carry a confidence
  float min_duration_on;
  float min_duration_off;
};

struct SherpaOnnxOfflineSpeakerDiarization;
struct SherpaOnnxOfflineSpeakerDiarizationResult;

struct SherpaOnnxOfflineSpeakerDiarizationSegment {
  float start;
  float end;
  int32_t speaker;
  float confidence;  ///< only with compute_confidence
};

static_assert(sizeof(SherpaOnnxOfflineSpeakerSegmentationModelConfig) == 32);
static_assert(sizeof(SherpaOnnxSpeakerEmbeddingExtractorConfig) == 24);
static_assert(offsetof(SherpaOnnxOfflineSpeakerDiarizationConfig, clustering) == 0x38);
static_assert(offsetof(SherpaOnnxOfflineSpeakerDiarizationConfig, min_duration_off) == 0x48);
static_assert(sizeof(SherpaOnnxOfflineSpeakerDiarizationSegment) == 16);

const char* SherpaOnnxGetVersionStr();
const SherpaOnnxOfflineSpeakerDiarization* SherpaOnnxCreateOfflineSpeakerDiarization(
    const SherpaOnnxOfflineSpeakerDiarizationConfig* config);
void SherpaOnnxDestroyOfflineSpeakerDiarization(const SherpaOnnxOfflineSpeakerDiarization* sd);
int32_t SherpaOnnxOfflineSpeakerDiarizationGetSampleRate(
    const SherpaOnnxOfflineSpeakerDiarization* sd);
/// Applies config->clustering only (an invalid one is ignored).
void SherpaOnnxOfflineSpeakerDiarizationSetConfig(
    const SherpaOnnxOfflineSpeakerDiarization* sd,
    const SherpaOnnxOfflineSpeakerDiarizationConfig* config);
/// Samples are mono, in [-1, 1], at the sample rate above.
const SherpaOnnxOfflineSpeakerDiarizationResult* SherpaOnnxOfflineSpeakerDiarizationProcess(
    const SherpaOnnxOfflineSpeakerDiarization* sd, const float* samples, int32_t n);
int32_t SherpaOnnxOfflineSpeakerDiarizationResultGetNumSegments(
    const SherpaOnnxOfflineSpeakerDiarizationResult* r);
/// A new array of GetNumSegments entries; freed with ...DestroySegment.
const SherpaOnnxOfflineSpeakerDiarizationSegment*
SherpaOnnxOfflineSpeakerDiarizationResultSortByStartTime(
    const SherpaOnnxOfflineSpeakerDiarizationResult* r);
void SherpaOnnxOfflineSpeakerDiarizationDestroySegment(
    const SherpaOnnxOfflineSpeakerDiarizationSegment* s);
void SherpaOnnxOfflineSpeakerDiarizationDestroyResult(
    const SherpaOnnxOfflineSpeakerDiarizationResult* r);
}

// X(name) for every function minutes calls.
#define MINUTES_SHERPA_FUNCTIONS(X)                           \
  X(SherpaOnnxGetVersionStr)                                  \
  X(SherpaOnnxCreateOfflineSpeakerDiarization)                \
  X(SherpaOnnxDestroyOfflineSpeakerDiarization)               \
  X(SherpaOnnxOfflineSpeakerDiarizationGetSampleRate)         \
  X(SherpaOnnxOfflineSpeakerDiarizationSetConfig)             \
  X(SherpaOnnxOfflineSpeakerDiarizationProcess)               \
  X(SherpaOnnxOfflineSpeakerDiarizationResultGetNumSegments)  \
  X(SherpaOnnxOfflineSpeakerDiarizationResultSortByStartTime) \
  X(SherpaOnnxOfflineSpeakerDiarizationDestroySegment)        \
  X(SherpaOnnxOfflineSpeakerDiarizationDestroyResult)
