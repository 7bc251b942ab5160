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
        TaskListFilter filter;
        filter.tenant_id = req.principal->tenant_id;
        if (auto s = req.query.find("state"); s != req.query.end()) {
          static const std::vector<std::string> kStates = {"queued", "processing", "succeeded",
                                                           "failed", "canceled"};
          if (std::find(kStates.begin(), kStates.end(), s->second) == kStates.end())
            return SetError(res, 400, "",
                            "state must be queued, processing, succeeded, failed or canceled",
                            req.request_id);
          filter.state = s->second;
        }
        // Title or anything said in the meeting.
        if (auto q = req.query.find("q"); q != req.query.end()) filter.text = q->second;
        auto total = CountTenantTasks(d->db, filter);
        if (!total.ok()) return SetError(res, total.status(), req.request_id);
        auto tasks = ListTenantTasks(d->db, filter, *size, (*page - 1) * *size);
        if (!tasks.ok()) return SetError(res, tasks.status(), req.request_id);
        nlohmann::json items = nlohmann::json::array();
        for (const TaskView& task : *tasks) items.push_back(TaskJson(task));
        res.Json(200, {{"items", items}, {"page", *page}, {"page_size", *size}, {"total", *total}});
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
          Status s = CancelTask(d->db, id, req.principal->username, NowIso());
          if (!s.ok()) return SetError(res, s, req.request_id);
          auto now_state = FindTaskState(d->db, id);
          if (!now_state.ok()) return SetError(res, now_state.status(), req.request_id);
          std::string before = row->state;
          if ((before == "queued" || before == "processing") && *now_state &&
              **now_state == "canceled") {
            (void)RetireReadyJobs(d->db, id);
            Audit(d->db, req, "task.cancel", id);
            auto after = FindTask(d->db, req);
            return res.Json(202, after.ok() ? TaskJson(*after) : nlohmann::json{{"id", id}});
          }
          auto keys = FindTaskObjects(d->db, id);
          if (!keys.ok()) return SetError(res, keys.status(), req.request_id);
          s = d->db.Transaction(
              [&](Database& tx) -> Status { return DeleteTaskRows(tx, id, *keys); });
          if (!s.ok()) return SetError(res, s, req.request_id);
          for (const TaskObject& k : *keys)
            (void)d->store.Delete(k.storage_key);  // rows first: no dangling row
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
              Status e = v.is_null() || std::string(v).empty()
                             ? ClearSpeakerName(tx, req.params["id"], k)
                             : SetSpeakerName(tx, req.params["id"], k, std::string(v));
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
