#include "api/task_routes.hpp"

#include <algorithm>

#include "auth/accounts.hpp"
#include "export/minutes_json.hpp"
#include "export/subtitles.hpp"
#include "export/transcript_json.hpp"
#include "minutes/template_set.hpp"
#include "worker/job_queue.hpp"

namespace minutes {
namespace {

nlohmann::json TaskJson(const DbRow& r) {
  return {{"id", AsString(r[0])},
          {"title", AsString(r[1])},
          {"state", AsString(r[2])},
          {"stage", AsString(r[3])},
          {"progress", std::get_if<double>(&r[4]) ? std::get<double>(r[4]) : double(AsInt(r[4]))},
          {"error", std::holds_alternative<std::nullptr_t>(r[5]) ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(AsString(r[5]))},
          {"template", AsString(r[6])},
          {"created_at", AsString(r[7])},
          {"updated_at", AsString(r[8])}};
}

constexpr const char* kTaskColumns =
    "SELECT id, title, state, stage, progress, error, template, created_at, updated_at FROM tasks ";

// The task row when it belongs to the caller's tenant.
Result<DbRow> FindTask(Database& db, const Request& req) {
  auto rows = db.Query(std::string(kTaskColumns) + "WHERE id = ? AND tenant_id = ?",
                       {req.params.at("id"), req.principal->tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no task " + req.params.at("id"));
  return (*rows)[0];
}

// The stored transcript with the task's speaker names applied.
Result<Transcript> LoadTranscript(Database& db, const std::string& task_id) {
  auto head = db.Query("SELECT duration, language FROM transcripts WHERE task_id = ?", {task_id});
  if (!head.ok()) return head.status();
  if (head->empty()) return Status::NotFound("the transcript is not ready yet");
  Transcript tr;
  tr.duration = std::get<double>((*head)[0][0]);
  tr.language = AsString((*head)[0][1]);
  auto segs = db.Query(
      "SELECT id, speaker, start_s, end_s, text, words FROM segments WHERE task_id = ? ORDER BY "
      "seq",
      {task_id});
  if (!segs.ok()) return segs.status();
  std::map<std::string, double> talk;
  std::vector<std::string> order;
  for (auto& r : *segs) {
    Segment s{AsString(r[0]),         AsString(r[1]), std::get<double>(r[2]),
              std::get<double>(r[3]), AsString(r[4]), {}};
    for (auto& w : nlohmann::json::parse(AsString(r[5])))
      s.words.push_back({w["word"], w["start"], w["end"], w["confidence"]});
    if (!talk.count(s.speaker)) order.push_back(s.speaker);
    talk[s.speaker] += s.end - s.start;
    tr.segments.push_back(std::move(s));
  }
  auto names = db.Query("SELECT speaker, name FROM speaker_names WHERE task_id = ?", {task_id});
  if (!names.ok()) return names.status();
  for (auto& id : order) {
    Speaker sp{id, std::nullopt, talk[id]};
    for (auto& n : *names)
      if (AsString(n[0]) == id) sp.name = AsString(n[1]);
    tr.speakers.push_back(sp);
  }
  return tr;
}

}  // namespace

void AddTaskRoutes(Router& r, TaskRouteDeps d) {
  // Upload: the raw body is the recording (Content-Type audio/* or video/*), streamed to
  // storage under a server-chosen key.
  r.Add("POST", "/api/v1/tasks", true, [d](Request& req, Response& res) {
    std::string type = req.header("Content-Type");
    if (type.rfind("audio/", 0) != 0 && type.rfind("video/", 0) != 0 &&
        type != "application/octet-stream")
      return SetError(res, 415, "",
                      "send the recording as the body with Content-Type audio/* or video/*",
                      req.request_id);
    auto id = RandomHex(12), oid = RandomHex(12);
    if (!id.ok() || !oid.ok()) return SetError(res, 500, "", "internal error", req.request_id);
    const Principal& p = *req.principal;
    std::string key = "tenants/" + p.tenant_id + "/recordings/" + *oid;
    auto info = d.store.Put(key, *req.body, d.max_upload_bytes);
    if (!info.ok()) {
      if (info.status().message().find("larger than") != std::string::npos)
        return SetError(res, 413, "", info.status().message(), req.request_id);
      return SetError(res, info.status(), req.request_id);
    }
    if (info->size == 0) {
      (void)d.store.Delete(key);
      return SetError(res, 400, "", "the recording is empty", req.request_id);
    }
    std::string title = req.query.count("title") ? req.query["title"] : "";
    std::string tmpl = req.query.count("template") ? req.query["template"] : "default";
    if (!TemplateSet::Builtin().Has(tmpl)) {
      (void)d.store.Delete(key);
      return SetError(res, 400, "", "unknown template '" + tmpl + "'", req.request_id);
    }
    std::string now = NowIso();
    Status s = d.db.Transaction([&](Database& tx) -> Status {
      if (Status e = tx.Exec(
              "INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, "
              "sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {*oid, p.tenant_id, key, title, type, info->size, info->sha256, now});
          !e.ok())
        return e;
      if (Status e = tx.Exec(
              "INSERT INTO tasks (id, tenant_id, user_id, title, object_id, state, template, "
              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
              {*id, p.tenant_id, p.user_id, title, *oid, tmpl, now, now});
          !e.ok())
        return e;
      return DbJobQueue::Enqueue(tx, *id, "transcribe");
    });
    if (!s.ok()) {
      (void)d.store.Delete(key);
      return SetError(res, s, req.request_id);
    }
    res.Json(201, {{"id", *id}, {"state", "queued"}});
  });

  r.Add("GET", "/api/v1/tasks", true, [d](Request& req, Response& res) {
    auto rows = d.db.Query(
        std::string(kTaskColumns) + "WHERE tenant_id = ? ORDER BY created_at DESC, id LIMIT 100",
        {req.principal->tenant_id});
    if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
    nlohmann::json items = nlohmann::json::array();
    for (auto& row : *rows) items.push_back(TaskJson(row));
    res.Json(200, {{"items", items}});
  });

  r.Add("GET", "/api/v1/tasks/{id}", true, [d](Request& req, Response& res) {
    auto row = FindTask(d.db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    res.Json(200, TaskJson(*row));
  });

  r.Add("GET", "/api/v1/tasks/{id}/transcript", true, [d](Request& req, Response& res) {
    auto row = FindTask(d.db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    auto tr = LoadTranscript(d.db, req.params["id"]);
    if (!tr.ok()) return SetError(res, tr.status(), req.request_id);
    std::string f = req.query.count("format") ? req.query["format"] : "json";
    res.status = 200;
    if (f == "json") return res.Json(200, TranscriptToJson(*tr));
    if (f == "txt")
      res.body = RenderTxt(*tr), res.content_type = "text/plain; charset=utf-8";
    else if (f == "srt")
      res.body = RenderSrt(*tr), res.content_type = "application/x-subrip";
    else if (f == "vtt")
      res.body = RenderVtt(*tr), res.content_type = "text/vtt";
    else if (f == "rttm")
      res.body = RenderRttm(*tr, req.params["id"]), res.content_type = "text/plain";
    else
      SetError(res, 400, "", "format must be json, txt, srt, vtt or rttm", req.request_id);
  });

  r.Add("PUT", "/api/v1/tasks/{id}/speakers", true, [d](Request& req, Response& res) {
    auto row = FindTask(d.db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    std::string body((std::istreambuf_iterator<char>(*req.body)), {});
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return SetError(res, 400, "", "expected a JSON object like {\"S1\": \"Alice\"}",
                      req.request_id);
    auto tr = LoadTranscript(d.db, req.params["id"]);
    if (!tr.ok()) return SetError(res, tr.status(), req.request_id);
    for (auto& [k, v] : j.items()) {
      bool known = std::any_of(tr->speakers.begin(), tr->speakers.end(),
                               [&](const Speaker& s) { return s.id == k; });
      if (!known || !v.is_string() || std::string(v).size() > 200)
        return SetError(res, 400, "", "unknown speaker or bad name: " + k, req.request_id);
    }
    Status s = d.db.Transaction([&](Database& tx) -> Status {
      for (auto& [k, v] : j.items()) {
        Status e = std::string(v).empty()
                       ? tx.Exec("DELETE FROM speaker_names WHERE task_id = ? AND speaker = ?",
                                 {req.params["id"], k})
                       : tx.Exec(
                             "INSERT OR REPLACE INTO speaker_names (task_id, speaker, name) "
                             "VALUES (?, ?, ?)",
                             {req.params["id"], k, std::string(v)});
        if (!e.ok()) return e;
      }
      return Status::Ok();
    });
    if (!s.ok()) return SetError(res, s, req.request_id);
    res.Json(200, {{"updated", j.size()}});
  });

  r.Add("GET", "/api/v1/tasks/{id}/minutes", true, [d](Request& req, Response& res) {
    auto row = FindTask(d.db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    auto art = d.db.Query(
        "SELECT version, template, minutes_json FROM artifacts WHERE task_id = ? ORDER BY "
        "version DESC LIMIT 1",
        {req.params["id"]});
    if (!art.ok()) return SetError(res, art.status(), req.request_id);
    if (art->empty())
      return SetError(res, 404, "", "the minutes are not ready yet", req.request_id);
    auto doc = MinutesFromJson(nlohmann::json::parse(AsString((*art)[0][2])));
    if (!doc.ok()) return SetError(res, doc.status(), req.request_id);
    // Names given to speakers since the minutes were written show up at once.
    auto tr = LoadTranscript(d.db, req.params["id"]);
    if (tr.ok()) {
      for (auto& a : doc->action_items) a.owner = tr->DisplayName(a.owner);
      for (auto& s : doc->speakers) s.name = tr->DisplayName(s.id);
    }
    std::string f = req.query.count("format") ? req.query["format"] : "md";
    if (f == "json") return res.Json(200, MinutesToJson(*doc));
    if (f != "md") return SetError(res, 400, "", "format must be md or json", req.request_id);
    RenderContext ctx{"", tr.ok() ? tr->duration : 0, ""};
    auto md = TemplateSet::Builtin().Render(AsString((*art)[0][1]), *doc, ctx);
    if (!md.ok()) return SetError(res, md.status(), req.request_id);
    res.status = 200;
    res.content_type = "text/markdown; charset=utf-8";
    res.body = *md;
  });
}

}  // namespace minutes
