#pragma once
// MinutesDoc <-> JSON: the minutes.json file format, and a validating reader (also meant for
// checking a language model's output).
#include <nlohmann/json.hpp>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"

namespace minutes {

/// Serialises minutes as
/// {"title", "summary": [string], "decisions": [{"text", "speaker", "segment"}],
///  "action_items": [{"text", "owner", "due" (string, or null when empty), "segment"}],
///  "topics": [string], "speakers": [{"id", "name", "talk_time", "share"}]}.
/// talk_time and share are rounded to three decimals.
nlohmann::json MinutesToJson(const MinutesDoc& doc);

/// Parses and validates what MinutesToJson produces. Missing or wrong-typed fields, empty
/// decision or action-item text, a negative talk_time and a share outside 0..1 give
/// Status::BadInput whose message starts with the field path ("decisions[2].text: ...").
/// "due" may be null or absent (read as empty).
Result<MinutesDoc> MinutesFromJson(const nlohmann::json& json);

}  // namespace minutes
