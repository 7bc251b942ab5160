#pragma once
// The transcripts repository (tables transcripts, segments, speaker_names): a task's transcript
// as the worker stored it, and the names people gave its speakers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/transcript.hpp"
#include "db/database.hpp"

namespace minutes {

/// One row of transcripts.
struct TranscriptRow {
  std::string task_id;
  double duration = 0;
  std::string language;
  std::string engine;  ///< "" for transcripts stored before it was recorded
  std::string created_at;
};

/// One row of segments.
struct SegmentRow {
  std::string task_id;
  int64_t seq = 0;  ///< the order in the transcript
  std::string id;   ///< "seg-0001"
  std::string speaker;
  double start_s = 0, end_s = 0;
  std::string text;
  std::string words_json = "[]";  ///< a JSON array of {word, start, end, confidence}
};

/// One row of speaker_names.
struct SpeakerNameRow {
  std::string task_id, speaker, name;
};

/// The transcript row of a task, or nullopt until it is stored.
Result<std::optional<TranscriptRow>> FindTranscriptRow(Database& db, const std::string& task_id);
/// The task's segments in transcript order.
Result<std::vector<SegmentRow>> FindSegmentRows(Database& db, const std::string& task_id);
/// The names given to the task's speakers.
Result<std::vector<SpeakerNameRow>> FindSpeakerNames(Database& db, const std::string& task_id);

/// The stored transcript of a task with its speaker names applied (speakers in order of first
/// appearance, with their talk time); NotFound until ready.
Result<Transcript> LoadTranscript(Database& db, const std::string& task_id);

/// Stores `transcript` as the task's, heard by `engine`, replacing whatever an earlier attempt
/// stored (speaker names are kept). Run it inside the caller's transaction.
Status ReplaceTranscript(Database& tx, const std::string& task_id, const Transcript& transcript,
                         const std::string& engine);

/// Whether the task's transcript is stored.
Result<bool> HasTranscript(Database& db, const std::string& task_id);

/// Names the speaker of the task's transcript (replacing its name).
Status SetSpeakerName(Database& db, const std::string& task_id, const std::string& speaker,
                      const std::string& name);

/// Forgets the speaker's name.
Status ClearSpeakerName(Database& db, const std::string& task_id, const std::string& speaker);

/// Where a segment is and who speaks it.
struct SegmentPlace {
  std::string speaker;
  double start_s = 0, end_s = 0;
};

/// Segment `segment_id` of the task, or nullopt.
Result<std::optional<SegmentPlace>> FindSegmentPlace(Database& db, const std::string& task_id,
                                                     const std::string& segment_id);

/// Replaces the segment's text and words (`words_json`: a JSON array as SegmentRow has).
Status UpdateSegmentText(Database& db, const std::string& task_id, const std::string& segment_id,
                         const std::string& text, const std::string& words_json);

}  // namespace minutes
