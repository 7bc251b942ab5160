// /api/v1/tasks: upload a recording, follow the task, read its transcript, name speakers.
#include <algorithm>

#include "api/routes.hpp"
#include "api/task_store.hpp"
#include "auth/accounts.hpp"
#include "export/subtitles.hpp"
#include "export/transcript_json.hpp"
#include "minutes/template_set.hpp"
#include "worker/job_queue.hpp"

namespace minutes {

void AddTaskRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
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
    auto info = d->store.Put(key, *req.body, d->max_upload_bytes);
    if (!info.ok()) {
      if (info.status().message().find("larger than") != std::string::npos)
        return SetError(res, 413, "", info.status().message(), req.request_id);
      return SetError(res, info.status(), req.request_id);
    }
    if (info->size == 0) {
      (void)d->store.Delete(key);
      return SetError(res, 400, "", "the recording is empty", req.request_id);
    }
    std::string title = req.query.count("title") ? req.query["title"] : "";
    std::string tmpl = req.query.count("template") ? req.query["template"] : "default";
    if (!TemplateSet::Builtin().Has(tmpl)) {
      (void)d->store.Delete(key);
      return SetError(res, 400, "", "unknown template '" + tmpl + "'", req.request_id);
    }
    std::string now = NowIso();
    Status s = d->db.Transaction([&](Database& tx) -> Status {
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
      (void)d->store.Delete(key);
      return SetError(res, s, req.request_id);
    }
    res.Json(201, {{"id", *id}, {"state", "queued"}});
  });

  r.Add("GET", "/api/v1/tasks", true, [d](Request& req, Response& res) {
    auto rows = d->db.Query(
        std::string(kTaskColumns) + "WHERE tenant_id = ? ORDER BY created_at DESC, id LIMIT 100",
        {req.principal->tenant_id});
    if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
    nlohmann::json items = nlohmann::json::array();
    for (auto& row : *rows) items.push_back(TaskJson(row));
    res.Json(200, {{"items", items}});
  });

  r.Add("GET", "/api/v1/tasks/{id}", true, [d](Request& req, Response& res) {
    auto row = FindTask(d->db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    res.Json(200, TaskJson(*row));
  });

  r.Add("GET", "/api/v1/tasks/{id}/transcript", true, [d](Request& req, Response& res) {
    auto row = FindTask(d->db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    auto tr = LoadTranscript(d->db, req.params["id"]);
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
    auto row = FindTask(d->db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    std::string body((std::istreambuf_iterator<char>(*req.body)), {});
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return SetError(res, 400, "", "expected a JSON object like {\"S1\": \"Alice\"}",
                      req.request_id);
    auto tr = LoadTranscript(d->db, req.params["id"]);
    if (!tr.ok()) return SetError(res, tr.status(), req.request_id);
    for (auto& [k, v] : j.items()) {
      bool known = std::any_of(tr->speakers.begin(), tr->speakers.end(),
                               [&](const Speaker& s) { return s.id == k; });
      if (!known || !v.is_string() || std::string(v).size() > 200)
        return SetError(res, 400, "", "unknown speaker or bad name: " + k, req.request_id);
    }
    Status s = d->db.Transaction([&](Database& tx) -> Status {
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
}

}  // namespace minutes
