#pragma once
// A language model's answer, repaired field by field instead of thrown away for one bad
// citation: every item with usable text is kept, the obvious shape slips are coerced
// (a string for a list, `due: ""`), citations that are missing, null, of the wrong type or point
// to a segment or speaker the transcript does not have are dropped, and a speaker given by name
// is resolved to its id. Each change is a Repair, recorded with the minutes version or the
// answer so the user can see what the model got wrong. Pure functions: no model calls here.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// One change made to a model's answer so that it could be used.
struct Repair {
  std::string path;    ///< where, e.g. "decisions[0].speaker"
  std::string action;  ///< "dropped", "resolved" (a name to an id), "filled", "coerced"
  std::string reason;  ///< why: "null", "missing", "wrong type", "unknown segment"… ("" for none)
  std::string from;    ///< what the model gave, when it helps ("Alice", "seg-9999")
  std::string to;      ///< what it became ("S2"), for resolved and filled
};

/// `repairs` as stored and served: [{"path", "action", "reason"?, "from"?, "to"?}].
nlohmann::json RepairsToJson(const std::vector<Repair>& repairs);

/// The JSON object in a model's reply: the whole text, or the part between the first '{' and
/// the last '}' (models wrap it in ```json fences or a sentence). BadInput saying what is wrong
/// ("cut off before its end" for truncated JSON) when there is none.
Result<nlohmann::json> ReplyJsonObject(const std::string& text);

/// The speaker id `given` names in `transcript`: an id ("S2", "s2"), a display name
/// (case-insensitive, when only one speaker has it), or "Alice (S2)" / "S2 (Alice)".
std::optional<std::string> ResolveSpeaker(const std::string& given, const Transcript& transcript);

/// Minutes read from a model's JSON, with what was repaired. `doc.speakers` is left empty.
struct RepairedMinutes {
  MinutesDoc doc;
  std::vector<Repair> repairs;
  /// Whether anything worth showing remains: a title, a summary, decisions or action items.
  bool usable() const;
};

/// Reads the model's minutes `reply` against `transcript`, repairing what can be repaired.
RepairedMinutes RepairMinutes(const nlohmann::json& reply, const Transcript& transcript);

/// An Ask answer read from a model's JSON ({"answer", "citations": [segment id]}).
struct RepairedAnswer {
  std::string answer;                  ///< empty when the reply has no usable answer
  std::vector<std::string> citations;  ///< segment ids that exist, in the model's order
  std::vector<Repair> repairs;
};

/// Reads the model's answer `reply`; invalid citations are dropped, never the answer.
RepairedAnswer RepairAnswer(const nlohmann::json& reply, const Transcript& transcript);

/// The JSON Schemas the replies should follow, for providers that enforce one.
const nlohmann::json& MinutesReplySchema();
const nlohmann::json& AnswerReplySchema();

}  // namespace minutes
