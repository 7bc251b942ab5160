#include "api/minutes_view.hpp"

#include "export/minutes_json.hpp"

namespace minutes {

using nlohmann::json;

namespace {

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

const Speaker* FindSpeaker(const Transcript* tr, const std::string& id) {
  if (!tr) return nullptr;
  for (const Speaker& s : tr->speakers)
    if (s.id == id) return &s;
  return nullptr;
}

json NameOf(const Speaker* s) { return s && s->name ? json(*s->name) : json(nullptr); }

// Owners were written as a speaker id, or (by a model or a person) as a name: a speaker's name
// resolves to the speaker.
const Speaker* OwnerSpeaker(const Transcript* tr, const std::string& owner) {
  if (const Speaker* s = FindSpeaker(tr, owner)) return s;
  if (tr)
    for (const Speaker& s : tr->speakers)
      if (s.name && *s.name == owner) return &s;
  return nullptr;
}

// Absent or null: "" (the stored form); anything else as it is (a wrong type fails later, with
// its path).
json FromNullable(const json& v) { return v.is_null() ? json("") : v; }

}  // namespace

json SpeakerNameJson(const Transcript* tr, const std::string& id) {
  return NameOf(FindSpeaker(tr, id));
}

json MinutesView(const MinutesDoc& doc, const Transcript* tr) {
  json view = MinutesToJson(doc);
  json decisions = json::array();
  for (const Decision& d : doc.decisions) {
    const Speaker* s = FindSpeaker(tr, d.speaker);
    decisions.push_back({{"text", d.text},
                         {"speaker", OrNull(d.speaker)},
                         {"speaker_name", NameOf(s)},
                         {"segment", OrNull(d.segment)}});
  }
  json actions = json::array();
  for (const ActionItem& a : doc.action_items) {
    const Speaker* s = OwnerSpeaker(tr, a.owner);
    actions.push_back({{"text", a.text},
                       {"owner", s ? json(s->id) : json(nullptr)},
                       {"owner_name", s ? NameOf(s) : OrNull(a.owner)},
                       {"due", OrNull(a.due)},
                       {"segment", OrNull(a.segment)}});
  }
  for (json& s : view["speakers"]) s["name"] = NameOf(FindSpeaker(tr, s["id"]));
  view["decisions"] = std::move(decisions);
  view["action_items"] = std::move(actions);
  return view;
}

json StoredMinutesFields(const json& edit) {
  json out = edit;
  if (out.contains("decisions") && out["decisions"].is_array())
    for (json& d : out["decisions"]) {
      if (!d.is_object()) continue;
      d.erase("speaker_name");
      for (const char* k : {"speaker", "segment"}) d[k] = FromNullable(d.value(k, json()));
    }
  if (out.contains("action_items") && out["action_items"].is_array())
    for (json& a : out["action_items"]) {
      if (!a.is_object()) continue;
      json name = a.contains("owner_name") ? a["owner_name"] : json(nullptr);
      a.erase("owner_name");
      if (!a.contains("owner") || a["owner"].is_null()) a["owner"] = FromNullable(name);
      a["segment"] = FromNullable(a.value("segment", json()));
    }
  return out;
}

}  // namespace minutes
