// /api/v1/tasks: list, read, cancel or delete tasks; their transcripts; speaker names.
#include <algorithm>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/task_store.hpp"
#include "auth/accounts.hpp"
#include "export/subtitles.hpp"
#include "export/transcript_json.hpp"

namespace minutes {
namespace {

// A whole number from the query, within [lo, hi]; `fallback` when absent.
Result<int64_t> QueryInt(const Request& req, const std::string& name, int64_t fallback, int64_t lo,
                         int64_t hi) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  return Status::BadInput(name + " must be a whole number from " + std::to_string(lo) + " to " +
                          std::to_string(hi));
}

// LIKE pattern for a search term: % and _ in the term match themselves.
std::string LikePattern(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

void AddTaskRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  AddTaskUploadRoute(r, ctx);

  r.Add(
      "GET", "/api/v1/tasks", true,
      Contract("listTasks", "tasks", "The tenant's tasks, newest first")
          .Query("page", schema::Int("from 1"), "the page (1)")
          .Query("page_size", schema::Int("1 to 100"), "tasks per page (20)")
          .Query("state", schema::Ref("TaskState"), "only tasks in this state")
          .Query("q", schema::Str(), "only tasks whose title or transcript contains this")
          .Returns(200, "a page of tasks", schema::Ref("TaskPage"))
          .Returns(400, "a bad page, page_size or state"),
      [d](Request& req, Response& res) {
        auto page = QueryInt(req, "page", 1, 1, 1000000);
        auto size = QueryInt(req, "page_size", 20, 1, 100);
        if (!page.ok()) return SetError(res, page.status(), req.request_id);
        if (!size.ok()) return SetError(res, size.status(), req.request_id);
        std::string where = "WHERE t.tenant_id = ?";
        std::vector<DbValue> args{req.principal->tenant_id};
        if (auto s = req.query.find("state"); s != req.query.end()) {
          static const std::vector<std::string> kStates = {"queued", "processing", "succeeded",
                                                           "failed", "canceled"};
          if (std::find(kStates.begin(), kStates.end(), s->second) == kStates.end())
            return SetError(res, 400, "",
                            "state must be queued, processing, succeeded, failed or canceled",
                            req.request_id);
          where += " AND t.state = ?";
          args.push_back(s->second);
        }
        if (auto q = req.query.find("q"); q != req.query.end() && !q->second.empty()) {
          // Title or anything said in the meeting.
          where +=
              // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
              " AND (lower(t.title) LIKE lower(?) ESCAPE '\\' OR EXISTS (SELECT 1 FROM segments s "
              "WHERE s.task_id = t.id AND lower(s.text) LIKE lower(?) ESCAPE '\\'))";
          args.push_back(LikePattern(q->second));
          args.push_back(LikePattern(q->second));
        }
        auto total = d->db.Query("SELECT count(*) FROM tasks t " + where, args);
        if (!total.ok()) return SetError(res, total.status(), req.request_id);
        args.push_back(*size);
        args.push_back((*page - 1) * *size);
        auto rows = d->db.Query(std::string(kTaskColumns) + where +
                                    " ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?",
                                args);
        if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
        nlohmann::json items = nlohmann::json::array();
        for (auto& row : *rows) items.push_back(TaskJson(row));
        res.Json(200, {{"items", items},
                       {"page", *page},
                       {"page_size", *size},
                       {"total", AsInt((*total)[0][0])}});
      });

  r.Add("GET", "/api/v1/tasks/{id}", true,
        Contract("getTask", "tasks", "A task: state, stage, progress, error, recording facts")
            .Returns(200, "the task", schema::Ref("Task"))
            .Returns(404, "no such task in the tenant"),
        [d](Request& req, Response& res) {
          auto row = FindTask(d->db, req);
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          res.Json(200, TaskJson(*row));
        });

  // Queued or processing: canceled (the worker stops at the next stage boundary). Finished:
  // deleted with everything it produced and its recording.
  r.Add("DELETE", "/api/v1/tasks/{id}", true,
        Contract("deleteTask", "tasks",
                 "Cancel a queued or processing task, or delete a finished one with its "
                 "recording and everything made from it")
            .Returns(202, "canceled: the task as it is now", schema::Ref("Task"))
            .Returns(204, "deleted")
            .Returns(404, "no such task in the tenant"),
        [d](Request& req, Response& res) {
          std::string id = req.params["id"];
          auto row = FindTask(d->db, req);
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          Status s = d->db.Exec(
              "UPDATE tasks SET state = 'canceled', stage = '', error = 'canceled by ' || ?, "
              "updated_at = ? WHERE id = ? AND state IN ('queued', 'processing')",
              {req.principal->username, NowIso(), id});
          if (!s.ok()) return SetError(res, s, req.request_id);
          auto now_state = d->db.Query("SELECT state FROM tasks WHERE id = ?", {id});
          if (!now_state.ok()) return SetError(res, now_state.status(), req.request_id);
          std::string before = AsString((*row)[2]);
          if ((before == "queued" || before == "processing") && !now_state->empty() &&
              AsString((*now_state)[0][0]) == "canceled") {
            (void)d->db.Exec("UPDATE jobs SET state = 'done' WHERE task_id = ? AND state = 'ready'",
                             {id});
            Audit(d->db, req, "task.cancel", id);
            auto after = FindTask(d->db, req);
            return res.Json(202, after.ok() ? TaskJson(*after) : nlohmann::json{{"id", id}});
          }
          auto keys = d->db.Query(
              "SELECT o.id, o.storage_key FROM tasks t JOIN objects o ON o.id = t.object_id WHERE "
              "t.id = ?",
              {id});
          if (!keys.ok()) return SetError(res, keys.status(), req.request_id);
          s = d->db.Transaction([&](Database& tx) -> Status {
            if (Status e = tx.Exec("DELETE FROM tasks WHERE id = ?", {id}); !e.ok()) return e;
            for (auto& k : *keys)
              if (Status e = tx.Exec("DELETE FROM objects WHERE id = ?", {k[0]}); !e.ok()) return e;
            return Status::Ok();
          });
          if (!s.ok()) return SetError(res, s, req.request_id);
          for (auto& k : *keys)
            (void)d->store.Delete(AsString(k[1]));  // rows first: no dangling row
          Audit(d->db, req, "task.delete", id);
          res.status = 204;
          res.content_type.clear();
          res.body.clear();
        });

  AddTaskStreamRoutes(r, ctx);

  r.Add("GET", "/api/v1/tasks/{id}/transcript", true,
        Contract("getTranscript", "results",
                 "The transcript with speaker names: JSON, plain text, subtitles (SRT, WebVTT) "
                 "or RTTM")
            .Query("format", schema::Enum({"json", "txt", "srt", "vtt", "rttm"}),
                   "json (default), txt, srt, vtt or rttm")
            .Returns(200, "the transcript", schema::Ref("Transcript"))
            .Also(200, "text/plain", schema::Str("txt (UTF-8) or rttm"))
            .Also(200, "application/x-subrip", schema::Str())
            .Also(200, "text/vtt", schema::Str())
            .Returns(400, "a bad format")
            .Returns(404, "no such task, or no transcript yet"),
        [d](Request& req, Response& res) {
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

  r.Add("PUT", "/api/v1/tasks/{id}/speakers", true,
        Contract("nameSpeakers", "results",
                 "Name speakers; the names show at once in the transcript, minutes and exports")
            .JsonBody(schema::Ref("SpeakerNames"))
            .Returns(200, "named", schema::Ref("SpeakerNamesUpdated"))
            .Returns(400, "an unknown speaker or a bad name (over 200 bytes)")
            .Returns(404, "no such task, or no transcript yet"),
        [d](Request& req, Response& res) {
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
            // Names the binding through an init-capture: clang 14 (the fuzz build) cannot capture
            // structured bindings.
            bool known = std::any_of(tr->speakers.begin(), tr->speakers.end(),
                                     [&key = k](const Speaker& s) { return s.id == key; });
            if (!known || !(v.is_string() || v.is_null()) ||
                (v.is_string() && v.get_ref<const std::string&>().size() > 200))
              return SetError(res, 400, "", "unknown speaker or bad name: " + k, req.request_id);
          }
          Status s = d->db.Transaction([&](Database& tx) -> Status {
            for (auto& [k, v] : j.items()) {
              Status e =
                  v.is_null() || std::string(v).empty()
                      ? tx.Exec("DELETE FROM speaker_names WHERE task_id = ? AND speaker = ?",
                                {req.params["id"], k})
                      : tx.Exec(
                            "INSERT INTO speaker_names (task_id, speaker, name) VALUES (?, ?, ?) "
                            "ON CONFLICT (task_id, speaker) DO UPDATE SET name = excluded.name",
                            {req.params["id"], k, std::string(v)});
              if (!e.ok()) return e;
            }
            return Status::Ok();
          });
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "speakers.update", req.params["id"]);
          res.Json(200, {{"updated", j.size()}});
        });
}

}  // namespace minutes
