#pragma once
// The offline path from a recording to a transcript with speakers: decode → VAD → ASR ∥ → diarize.
#include <functional>
#include <string>
#include <vector>

#include "audio/decoder.hpp"
#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// How to transcribe; defaults need no server, key or network.
struct PipelineOptions {
  std::string engine = "auto";     ///< ASR engine name (see MakeTranscriber)
  std::string diarizer = "local";  ///< diarizer name (see MakeDiarizer)
  std::string language = "en";
  int threads = 0;                    ///< 0 = all cores
  int speakers = 0;                   ///< 0 = find automatically
  std::string temp_dir;               ///< where the PCM spool lives; empty = $TMPDIR or /tmp
  std::vector<std::string> hotwords;  ///< the task's hotword set, for engines that take one
  std::string whisper_model;          ///< whisper's model name or file (see TranscriberOptions)
  /// Engines to fail over to, in order, when `engine` cannot transcribe the recording (a
  /// provider down, refusing, or with its circuit open). The embedded engine can be the last.
  std::vector<std::string> fallback_engines;
  /// Object store URL whole-recording providers stage audio in (see TranscriberOptions).
  std::string media_store, media_access_key, media_secret_key;
  /// Polled during long provider jobs: true abandons the job.
  std::function<bool()> canceled;
  /// Longest recording transcribed, in seconds (limits.max_duration_s); 0 = no limit. Decoding
  /// stops with FailedPrecondition once the audio passes it (plus one second for encoder
  /// padding), whatever the file's headers said when it was probed at upload.
  double max_seconds = 0;
};

/// One engine's try at the recording, for the audit log.
struct AsrAttempt {
  std::string engine;   ///< Transcriber::Name(), or the engine as configured when it never ran
  std::string outcome;  ///< "ok", "failed", "skipped (circuit open)"
  std::string error;
  double seconds = 0;
};

/// Called from the calling thread with the stage ("decode", "transcribe", "diarize") and its
/// completed fraction 0..1.
using ProgressFn = std::function<void(const std::string& stage, double fraction)>;

/// Wall-clock seconds per stage.
struct StageTimes {
  double decode = 0, transcribe = 0, diarize = 0;
};

struct PipelineResult {
  Transcript transcript;
  DecodeInfo audio;
  StageTimes times;
  std::string engine;    ///< the engine that actually ran
  std::string diarizer;  ///< "local", or "provider" when the ASR provider separated speakers
  std::vector<AsrAttempt> attempts;  ///< every engine tried, in order
  size_t utterances = 0;
};

/// Transcribes and diarizes `path`. Memory does not grow with the recording's length: audio is
/// spooled to a temporary file and read back one utterance at a time.
Result<PipelineResult> TranscribeRecording(const std::string& path, const PipelineOptions& options,
                                           const ProgressFn& progress = nullptr);

/// Closes every speech provider's circuit breaker (tests).
void ResetAsrCircuitBreakers();

}  // namespace minutes
