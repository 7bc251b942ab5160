// People correcting what the machine wrote: PATCH /api/v1/tasks/{id}/segments/{segment} fixes a
// line's text (its words are spread again over the line's time, so every export agrees), and
// PUT /api/v1/tasks/{id}/minutes stores edited minutes as a new version (the old ones stay).
#include <cctype>
#include <optional>
#include <set>
#include <sstream>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/minutes_view.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/task_store.hpp"
#include "core/clock.hpp"
#include "export/minutes_json.hpp"
#include "store/minutes_versions.hpp"
#include "store/transcripts.hpp"

namespace minutes {
namespace {

// The corrected text's words, evenly over [start, end], marked certain (a person wrote them).
nlohmann::json SpreadWords(const std::string& text, double start, double end) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  nlohmann::json out = nlohmann::json::array();
  double step = words.empty() ? 0 : (end - start) / static_cast<double>(words.size());
  for (size_t i = 0; i < words.size(); ++i)
    out.push_back({{"word", words[i]},
                   {"start", start + step * static_cast<double>(i)},
                   {"end", start + step * static_cast<double>(i + 1)},
                   {"confidence", 1.0}});
  return out;
}

void EditSegment(const ServiceContext& d, Request& req, Response& res) {
  auto task = FindTask(d.db, req);
  if (!task.ok()) return SetError(res, task.status(), req.request_id);
  auto body = ReadJsonBody(req);
  if (!body.ok()) return SetError(res, 400, "", body.status().message(), req.request_id);
  if (!body->is_object() || body->size() != 1 || !body->contains("text") ||
      !(*body)["text"].is_string())
    return SetError(res, 400, "", "send {\"text\": \"…\"}", req.request_id);
  std::string text = (*body)["text"];
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  text.erase(0, text.find_first_not_of(" \t\r\n"));
  if (text.empty()) return SetError(res, 400, "", "the text must not be empty", req.request_id);
  if (text.size() > 5000)
    return SetError(res, 400, "", "the text is longer than 5000 bytes", req.request_id);
  std::string id = req.params["id"], seg = req.params["segment"];
  nlohmann::json out;
  Status s = d.db.Transaction([&](Database& tx) -> Status {
    auto place = FindSegmentPlace(tx, id, seg);
    if (!place.ok()) return place.status();
    if (!*place) return Status::NotFound("task " + id + " has no segment " + seg);
    double start = (*place)->start_s, end = (*place)->end_s;
    nlohmann::json words = SpreadWords(text, start, end);
    out = {{"id", seg},      {"speaker", (*place)->speaker},
           {"start", start}, {"end", end},
           {"text", text},   {"words", words}};
    return UpdateSegmentText(tx, id, seg, text, words.dump());
  });
  if (!s.ok()) return SetError(res, s, req.request_id);
  Audit(d.db, req, "segment.update", id + "/" + seg);
  res.Json(200, out);
}

void EditMinutes(const ServiceContext& d, Request& req, Response& res) {
  auto task = FindTask(d.db, req);
  if (!task.ok()) return SetError(res, task.status(), req.request_id);
  auto body = ReadJsonBody(req, 256 * 1024);
  if (!body.ok()) return SetError(res, 400, "", body.status().message(), req.request_id);
  if (!body->is_object())
    return SetError(res, 400, "", "send the minutes as minutes.json fields", req.request_id);
  static const std::set<std::string> kEditable = {"title", "summary", "decisions", "action_items",
                                                  "topics"};
  for (auto& [k, v] : body->items())
    if (!kEditable.count(k))
      return SetError(
          res, 400, "",
          "'" + k + "' cannot be edited (title, summary, decisions, action_items, topics)",
          req.request_id);
  std::string id = req.params["id"];
  int64_t version = 0;
  std::optional<Status> refused;
  Status s = d.db.Transaction([&](Database& tx) -> Status {
    auto latest = FindMinutesVersion(tx, id, std::nullopt);
    if (!latest.ok()) return latest.status();
    if (!*latest) return Status::NotFound("task " + id + " has no minutes yet");
    MinutesVersion v = std::move(**latest);
    nlohmann::json merged = nlohmann::json::parse(v.minutes_json);
    // The edited fields over the latest, in the stored form.
    const nlohmann::json fields = StoredMinutesFields(*body);  // outlives the loop over it
    for (auto& [k, val] : fields.items()) merged[k] = val;
    auto doc = MinutesFromJson(merged);
    if (!doc.ok()) {
      refused = doc.status();
      return Status::Ok();
    }
    // The edited version keeps the template the one it edits was made with.
    version = v.version + 1;
    v.version = version;
    v.generator = "edited by " + req.principal->username;
    v.minutes_json = MinutesToJson(*doc).dump();
    v.repairs_json = "[]";  // a person wrote this version: the model's repairs are not its own
    v.created_at.clear();
    return InsertMinutesVersion(tx, v);
  });
  if (!s.ok()) return SetError(res, s, req.request_id);
  if (refused) return SetError(res, 400, "", refused->message(), req.request_id);
  Audit(d.db, req, "minutes.edit", id);
  res.headers["Location"] = "/api/v1/tasks/" + id + "/minutes?version=" + std::to_string(version);
  res.Json(201, {{"version", version}});
}

}  // namespace

void AddEditRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("PATCH", "/api/v1/tasks/{id}/segments/{segment}", true,
        Contract("editSegment", "results",
                 "Fix a line's text (its words are spread again over the line's time)")
            .PathParam("segment", schema::Str("seg-0001…"),
                       "the line's id, as the transcript's segments[].id gives it")
            .JsonBody(schema::Ref("SegmentEdit"))
            .Returns(200, "the line as it is now", schema::Ref("Segment"))
            .Returns(400, "no text, an empty text, or over 5000 bytes")
            .Returns(404, "no such task or line"),
        [d](Request& req, Response& res) { EditSegment(*d, req, res); });
  r.Add("PUT", "/api/v1/tasks/{id}/minutes", true,
        Contract("editMinutes", "results",
                 "Edited minutes as a new version: the fields sent replace the latest version's "
                 "(the shape GET …/minutes?format=json answers, or any part of it)")
            .JsonBody(schema::Ref("MinutesEdit"))
            .Returns(201, "the new version", schema::Ref("MinutesEdited"))
            .Header(201, "Location", "/api/v1/tasks/{id}/minutes?version=N")
            .Returns(400, "a field that cannot be edited, or not valid minutes (says where)")
            .Returns(404, "no such task, or no minutes yet"),
        [d](Request& req, Response& res) { EditMinutes(*d, req, res); });
}

}  // namespace minutes
