#pragma once
// Transcript <-> JSON: the transcript.json file format, and its validating reader.
#include <nlohmann/json.hpp>

#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// Serialises a transcript as
/// {"duration", "language", "speakers": [{"id", "name" (string or null), "talk_time"}],
///  "segments": [{"id", "speaker", "start", "end", "text",
///                "words": [{"word", "start", "end", "confidence"}]}]}.
/// Seconds and confidences are rounded to three decimals.
nlohmann::json TranscriptToJson(const Transcript& transcript);

/// Parses and validates what TranscriptToJson produces. Missing or wrong-typed fields, negative
/// times, segments out of time order (by start) and words outside their segment (beyond 1 ms)
/// give Status::BadInput whose message starts with the field path ("segments[3].start: ...").
/// A speaker's "name" may be null or absent.
Result<Transcript> TranscriptFromJson(const nlohmann::json& json);

}  // namespace minutes
