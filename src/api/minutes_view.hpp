#pragma once
// The minutes as the API shows them (the Minutes schema), and edits in that shape read back.
// Speakers are referred to by id with the name beside it, null until named, as everywhere in
// the API; a citation the model got wrong is null rather than "".
#include <nlohmann/json.hpp>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// The name given to speaker `id` of `tr`, or null (unnamed, unknown, or no transcript).
nlohmann::json SpeakerNameJson(const Transcript* tr, const std::string& id);

/// title, summary, decisions, action_items, topics and speakers of `doc`, names from `tr`
/// (null: the transcript could not be read, every name is null).
nlohmann::json MinutesView(const MinutesDoc& doc, const Transcript* tr);

/// An edit's fields (the MinutesEdit schema: the view's shape, or the stored minutes.json's)
/// as stored minutes.json fields: null citations become "", an action item's owner its speaker
/// id or, when null, its owner_name; the *_name fields are dropped.
nlohmann::json StoredMinutesFields(const nlohmann::json& edit);

}  // namespace minutes
