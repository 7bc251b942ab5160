#include "minutes/minutes_repair.hpp"

#include <algorithm>
#include <regex>

#include "core/text.hpp"

namespace minutes {

using nlohmann::json;

namespace {

// Why a value is not a usable string, or "" when it is one (non-empty after trimming).
std::string RepairUnusableReason(const json* v) {
  if (!v) return "missing";
  if (v->is_null()) return "null";
  if (!v->is_string()) return "wrong type";
  if (TrimSpace(v->get<std::string>()).empty()) return "empty";
  return "";
}

std::string RepairIndexPath(const std::string& list, size_t i) {
  return list + "[" + std::to_string(i) + "]";
}

const json* RepairMember(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// The first of `keys` the object has: models write "decision" or "task" for "text" now and then.
const json* RepairFirstMember(const json& obj, std::initializer_list<const char*> keys,
                              std::string* used) {
  for (const char* k : keys)
    if (const json* v = RepairMember(obj, k)) {
      *used = k;
      return v;
    }
  return nullptr;
}

// A list of strings ("summary", "topics"): a string for the list is taken as a list of one,
// items that are not usable strings are dropped.
std::vector<std::string> RepairStringList(const json& reply, const char* key,
                                          std::vector<Repair>& repairs) {
  std::vector<std::string> out;
  const json* v = RepairMember(reply, key);
  if (!v || v->is_null()) return out;
  if (v->is_string()) {
    if (std::string s = TrimSpace(v->get<std::string>()); !s.empty()) {
      out.push_back(s);
      repairs.push_back({key, "coerced", "a string, not a list", "", ""});
    }
    return out;
  }
  if (!v->is_array()) {
    repairs.push_back({key, "dropped", "wrong type", "", ""});
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    std::string why = RepairUnusableReason(&(*v)[i]);
    if (why.empty())
      out.push_back(TrimSpace((*v)[i].get<std::string>()));
    else
      repairs.push_back({RepairIndexPath(key, i), "dropped", why, "", ""});
  }
  return out;
}

// The items of the list `key`: an object alone is taken as a list of one.
std::vector<const json*> RepairItems(const json& reply, const char* key,
                                     std::vector<Repair>& repairs) {
  std::vector<const json*> out;
  const json* v = RepairMember(reply, key);
  if (!v || v->is_null()) return out;
  if (v->is_object()) {
    repairs.push_back({key, "coerced", "an object, not a list", "", ""});
    return {v};
  }
  if (!v->is_array()) {
    repairs.push_back({key, "dropped", "wrong type", "", ""});
    return out;
  }
  for (const auto& item : *v) out.push_back(&item);
  return out;
}

class CitationChecker {
 public:
  CitationChecker(const Transcript& tr, std::vector<Repair>& repairs)
      : tr_(tr), repairs_(repairs) {}

  // The segment id the item cites, or "" (the citation dropped and recorded).
  std::string Segment(const json& item, const std::string& path) {
    const json* v = RepairMember(item, "segment");
    if (std::string why = RepairUnusableReason(v); !why.empty()) {
      repairs_.push_back({path, "dropped", why, "", ""});
      return "";
    }
    std::string id = TrimSpace(v->get<std::string>());
    if (id.size() > 2 && id.front() == '[' && id.back() == ']') id = id.substr(1, id.size() - 2);
    for (const auto& s : tr_.segments)
      if (s.id == id) return id;
    repairs_.push_back({path, "dropped", "unknown segment", v->get<std::string>(), ""});
    return "";
  }

  // The speaker id `key` names, or "" (dropped and recorded). With `free_text`, a string that
  // names no speaker and does not look like a speaker id is kept as it is: an owner may be
  // someone who was only talked about ("the design team").
  std::string Speaker(const json& item, const char* key, const std::string& path, bool free_text) {
    const json* v = RepairMember(item, key);
    if (std::string why = RepairUnusableReason(v); !why.empty()) {
      repairs_.push_back({path, "dropped", why, "", ""});
      return "";
    }
    std::string given = TrimSpace(v->get<std::string>());
    if (auto id = ResolveSpeaker(given, tr_)) {
      if (*id != given) repairs_.push_back({path, "resolved", "", given, *id});
      return *id;
    }
    static const std::regex kLooksLikeId(R"([Ss]\d+)");
    if (free_text && !std::regex_match(given, kLooksLikeId)) return given;
    repairs_.push_back({path, "dropped", "unknown speaker", given, ""});
    return "";
  }

  std::string SpeakerOf(const std::string& segment_id) const {
    for (const auto& s : tr_.segments)
      if (s.id == segment_id) return s.speaker;
    return "";
  }

 private:
  const Transcript& tr_;
  std::vector<Repair>& repairs_;
};

// The item's text, or "" when it has none usable (then the whole item is dropped). A bare
// string is the text of an item without citations.
std::string RepairItemText(const json& item, std::initializer_list<const char*> keys,
                           const std::string& path, std::vector<Repair>& repairs) {
  if (item.is_string()) {
    std::string text = TrimSpace(item.get<std::string>());
    if (text.empty())
      repairs.push_back({path, "dropped", "no usable text", "", ""});
    else
      repairs.push_back({path, "coerced", "a string, not an object", "", ""});
    return text;
  }
  if (!item.is_object()) {
    repairs.push_back({path, "dropped", "wrong type", "", ""});
    return "";
  }
  std::string used;
  const json* text = RepairFirstMember(item, keys, &used);
  if (!RepairUnusableReason(text).empty()) {
    repairs.push_back({path, "dropped", "no usable text", "", ""});
    return "";
  }
  if (used != "text") repairs.push_back({path + ".text", "coerced", "given as " + used, "", ""});
  return TrimSpace(text->get<std::string>());
}

void RepairDecisions(const json& reply, CitationChecker& check, std::vector<Repair>& repairs,
                     MinutesDoc& doc) {
  auto items = RepairItems(reply, "decisions", repairs);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string path = RepairIndexPath("decisions", i);
    Decision d;
    d.text = RepairItemText(*items[i], {"text", "decision", "description"}, path, repairs);
    if (d.text.empty()) continue;
    static const json kNoFields = json::object();
    const json& obj = items[i]->is_object() ? *items[i] : kNoFields;
    d.segment = check.Segment(obj, path + ".segment");
    d.speaker = check.Speaker(obj, "speaker", path + ".speaker", false);
    if (d.speaker.empty() && !d.segment.empty()) {  // who said it: the cited segment's speaker
      d.speaker = check.SpeakerOf(d.segment);
      repairs.push_back(
          {path + ".speaker", "filled", "the cited segment's speaker", "", d.speaker});
    }
    doc.decisions.push_back(std::move(d));
  }
}

void RepairActionItems(const json& reply, CitationChecker& check, std::vector<Repair>& repairs,
                       MinutesDoc& doc) {
  auto items = RepairItems(reply, "action_items", repairs);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string path = RepairIndexPath("action_items", i);
    ActionItem a;
    a.text = RepairItemText(*items[i], {"text", "task", "action", "description"}, path, repairs);
    if (a.text.empty()) continue;
    static const json kNoFields = json::object();
    const json& obj = items[i]->is_object() ? *items[i] : kNoFields;
    a.owner = check.Speaker(obj, "owner", path + ".owner", true);
    // A deadline nobody gave is null; "" is the same thing said differently.
    if (const json* due = RepairMember(obj, "due"); due && !due->is_null()) {
      std::string why = RepairUnusableReason(due);
      if (why.empty())
        a.due = TrimSpace(due->get<std::string>());
      else if (why != "empty")
        repairs.push_back({path + ".due", "dropped", why, "", ""});
    }
    a.segment = check.Segment(obj, path + ".segment");
    doc.action_items.push_back(std::move(a));
  }
}

// Depth of unclosed objects and arrays at the end of `text`, strings and escapes respected.
int RepairOpenBrackets(const std::string& text, size_t from) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = from; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return in_string ? depth + 1 : depth;
}

}  // namespace

json RepairsToJson(const std::vector<Repair>& repairs) {
  json out = json::array();
  for (const auto& r : repairs) {
    json j = {{"path", r.path}, {"action", r.action}};
    if (!r.reason.empty()) j["reason"] = r.reason;
    if (!r.from.empty()) j["from"] = r.from;
    if (!r.to.empty()) j["to"] = r.to;
    out.push_back(std::move(j));
  }
  return out;
}

Result<json> ReplyJsonObject(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_object()) return j;
  auto first = text.find('{'), last = text.rfind('}');
  if (first != std::string::npos && last != std::string::npos && last > first) {
    j = json::parse(text.substr(first, last - first + 1), nullptr, false);
    if (j.is_object()) return j;
  }
  if (first != std::string::npos && RepairOpenBrackets(text, first) > 0)
    return Status::BadInput("the JSON object is cut off before its end");
  if (!j.is_discarded() && !j.is_object())
    return Status::BadInput("the reply is JSON but not an object");
  return Status::BadInput("the reply is not a JSON object");
}

std::optional<std::string> ResolveSpeaker(const std::string& given, const Transcript& tr) {
  std::string want = AsciiLower(TrimSpace(given));
  if (want.empty()) return std::nullopt;
  auto by_id = [&](const std::string& id) -> std::optional<std::string> {
    for (const auto& s : tr.speakers)
      if (AsciiLower(s.id) == id) return s.id;
    for (const auto& s : tr.segments)  // a transcript whose speaker list is incomplete
      if (AsciiLower(s.speaker) == id) return s.speaker;
    return std::nullopt;
  };
  if (auto id = by_id(want)) return id;
  // "Alice (S2)" or "S2 (Alice)": the id in or before the parentheses.
  static const std::regex kParens(R"((.*?)\s*\((.*)\)\s*)");
  std::smatch m;
  if (std::regex_match(want, m, kParens)) {
    if (auto id = by_id(TrimSpace(m[2].str()))) return id;
    if (auto id = by_id(TrimSpace(m[1].str()))) return id;
  }
  std::optional<std::string> named;
  for (const auto& s : tr.speakers) {
    if (!s.name || AsciiLower(TrimSpace(*s.name)) != want) continue;
    if (named) return std::nullopt;  // two speakers of that name: not ours to choose
    named = s.id;
  }
  return named;
}

bool RepairedMinutes::usable() const {
  return !doc.title.empty() || !doc.summary.empty() || !doc.decisions.empty() ||
         !doc.action_items.empty();
}

RepairedMinutes RepairMinutes(const json& reply, const Transcript& tr) {
  RepairedMinutes out;
  if (!reply.is_object()) return out;
  if (const json* title = RepairMember(reply, "title")) {
    std::string why = RepairUnusableReason(title);
    if (why.empty())
      out.doc.title = TrimSpace(title->get<std::string>());
    else if (why != "null" && why != "empty")
      out.repairs.push_back({"title", "dropped", why, "", ""});
  }
  out.doc.summary = RepairStringList(reply, "summary", out.repairs);
  CitationChecker check(tr, out.repairs);
  RepairDecisions(reply, check, out.repairs, out.doc);
  RepairActionItems(reply, check, out.repairs, out.doc);
  out.doc.topics = RepairStringList(reply, "topics", out.repairs);
  return out;
}

RepairedAnswer RepairAnswer(const json& reply, const Transcript& tr) {
  RepairedAnswer out;
  if (!reply.is_object()) return out;
  const json* answer = RepairMember(reply, "answer");
  if (RepairUnusableReason(answer).empty()) out.answer = TrimSpace(answer->get<std::string>());
  const json* cites = RepairMember(reply, "citations");
  if (std::string why = RepairUnusableReason(cites); why == "missing" || why == "null") {
    out.repairs.push_back({"citations", "dropped", why, "", ""});
    return out;
  }
  json list = cites->is_array() ? *cites : json::array({*cites});
  if (!cites->is_array()) out.repairs.push_back({"citations", "coerced", "not a list", "", ""});
  CitationChecker check(tr, out.repairs);
  for (size_t i = 0; i < list.size(); ++i) {
    // A citation is a segment id, or (some models) an object with one.
    json item = list[i].is_object() ? list[i] : json{{"segment", list[i]}};
    std::string id = check.Segment(item, RepairIndexPath("citations", i));
    if (!id.empty() &&
        std::find(out.citations.begin(), out.citations.end(), id) == out.citations.end())
      out.citations.push_back(id);
  }
  return out;
}

const json& MinutesReplySchema() {
  static const json kCitation = {{"type", "string"}};
  static const json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};
  static const json kSchema = {
      {"type", "object"},
      {"properties",
       {{"title", {{"type", "string"}}},
        {"summary", kStrings},
        {"decisions",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"text", {{"type", "string"}}}, {"speaker", kCitation}, {"segment", kCitation}}},
            {"required", {"text", "speaker", "segment"}},
            {"additionalProperties", false}}}}},
        {"action_items",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"text", {{"type", "string"}}},
              {"owner", {{"type", "string"}}},
              {"due", {{"type", {"string", "null"}}}},
              {"segment", kCitation}}},
            {"required", {"text", "owner", "due", "segment"}},
            {"additionalProperties", false}}}}},
        {"topics", kStrings}}},
      {"required", {"title", "summary", "decisions", "action_items", "topics"}},
      {"additionalProperties", false}};
  return kSchema;
}

const json& AnswerReplySchema() {
  static const json kSchema = {
      {"type", "object"},
      {"properties",
       {{"answer", {{"type", "string"}}},
        {"citations", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
      {"required", {"answer", "citations"}},
      {"additionalProperties", false}};
  return kSchema;
}

}  // namespace minutes
