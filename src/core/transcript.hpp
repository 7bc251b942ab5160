#pragma once
// The transcript domain model: no I/O, shared by every room.
#include <optional>
#include <string>
#include <vector>

namespace minutes {

/// One recognised word; times in seconds from the start of the recording.
struct Word {
  std::string word;
  double start = 0;
  double end = 0;
  double confidence = 0;  ///< 0..1
};

/// A stretch of speech by one speaker. Every word lies inside [start, end].
struct Segment {
  std::string id;       ///< "seg-0001", stable within a transcript
  std::string speaker;  ///< "S1", "S2"...
  double start = 0;
  double end = 0;
  std::string text;
  std::vector<Word> words;
};

/// A speaker found by diarization, numbered in order of first appearance.
struct Speaker {
  std::string id;                   ///< "S1"
  std::optional<std::string> name;  ///< set when a person names the speaker
  double talk_time = 0;             ///< seconds
};

/// A whole transcript: segments in time order.
struct Transcript {
  double duration = 0;
  std::string language = "en";
  /// The speech engine that heard it, as the task record names it ("whisper:base.en",
  /// "speaches:whisper-1", "pocketsphinx"); "" for transcripts stored before it was recorded.
  std::string engine;
  std::string model;  ///< the engine's model ("base.en", "whisper-1"); "" when it has none
  std::vector<Speaker> speakers;
  std::vector<Segment> segments;

  /// The display name of a speaker id: its name when set, else the id itself.
  std::string DisplayName(const std::string& speaker_id) const {
    for (const auto& s : speakers)
      if (s.id == speaker_id) return s.name.value_or(s.id);
    return speaker_id;
  }
};

/// The model in an engine's name: what follows "provider:" ("speaches:whisper-1" → "whisper-1");
/// "" for an engine without one ("pocketsphinx").
inline std::string ModelOfEngine(const std::string& engine) {
  auto colon = engine.find(':');
  return colon == std::string::npos ? std::string() : engine.substr(colon + 1);
}

}  // namespace minutes
