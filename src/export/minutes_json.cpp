#include "export/minutes_json.hpp"

#include <optional>
#include <string>

#include "export/json_reader.hpp"

namespace minutes {

using json_detail::FieldPath;
using json_detail::IndexPath;
using json_detail::JsonReader;
using json_detail::Round3;
using nlohmann::json;

namespace {

void ReadDecision(JsonReader& r, const json& obj, const std::string& path, Decision& d) {
  if (!r.Object(obj, path)) return;
  r.String(obj, path, "text", d.text);
  r.Require(!d.text.empty(), FieldPath(path, "text"), "must not be empty");
  r.String(obj, path, "speaker", d.speaker);
  r.String(obj, path, "segment", d.segment);
}

void ReadActionItem(JsonReader& r, const json& obj, const std::string& path, ActionItem& a) {
  if (!r.Object(obj, path)) return;
  r.String(obj, path, "text", a.text);
  r.Require(!a.text.empty(), FieldPath(path, "text"), "must not be empty");
  r.String(obj, path, "owner", a.owner);
  std::optional<std::string> due;
  r.NullableString(obj, path, "due", due);
  a.due = due.value_or("");
  r.String(obj, path, "segment", a.segment);
}

void ReadSpeakerStat(JsonReader& r, const json& obj, const std::string& path, SpeakerStat& s) {
  if (!r.Object(obj, path)) return;
  r.String(obj, path, "id", s.id);
  r.String(obj, path, "name", s.name);
  r.Number(obj, path, "talk_time", s.talk_time);
  r.Require(s.talk_time >= 0, FieldPath(path, "talk_time"), "must not be negative");
  r.Number(obj, path, "share", s.share);
  r.Require(s.share >= 0 && s.share <= 1, FieldPath(path, "share"), "must be between 0 and 1");
}

// Reads the array `key` of `obj`, calling read(reader, element, path, item) for each element.
template <typename T, typename ReadFn>
void ReadList(JsonReader& r, const json& obj, const char* key, std::vector<T>& out, ReadFn read) {
  const json* arr = r.Array(obj, "", key);
  if (!arr) return;
  out.resize(arr->size());
  for (size_t i = 0; i < arr->size() && r.ok(); ++i) read(r, (*arr)[i], IndexPath(key, i), out[i]);
}

}  // namespace

json MinutesToJson(const MinutesDoc& doc) {
  json decisions = json::array();
  for (const Decision& d : doc.decisions)
    decisions.push_back({{"text", d.text}, {"speaker", d.speaker}, {"segment", d.segment}});
  json actions = json::array();
  for (const ActionItem& a : doc.action_items) {
    actions.push_back({{"text", a.text},
                       {"owner", a.owner},
                       {"due", a.due.empty() ? json(nullptr) : json(a.due)},
                       {"segment", a.segment}});
  }
  json speakers = json::array();
  for (const SpeakerStat& s : doc.speakers) {
    speakers.push_back({{"id", s.id},
                        {"name", s.name},
                        {"talk_time", Round3(s.talk_time)},
                        {"share", Round3(s.share)}});
  }
  return {{"title", doc.title},
          {"summary", doc.summary},
          {"decisions", std::move(decisions)},
          {"action_items", std::move(actions)},
          {"topics", doc.topics},
          {"speakers", std::move(speakers)}};
}

Result<MinutesDoc> MinutesFromJson(const json& j) {
  JsonReader r;
  MinutesDoc doc;
  if (!r.Object(j, "minutes")) return r.status();
  r.String(j, "", "title", doc.title);
  r.StringArray(j, "", "summary", doc.summary);
  ReadList(r, j, "decisions", doc.decisions, ReadDecision);
  ReadList(r, j, "action_items", doc.action_items, ReadActionItem);
  r.StringArray(j, "", "topics", doc.topics);
  ReadList(r, j, "speakers", doc.speakers, ReadSpeakerStat);
  if (!r.ok()) return r.status();
  return doc;
}

}  // namespace minutes
