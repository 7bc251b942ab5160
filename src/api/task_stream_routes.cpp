// Long responses of a task: GET /api/v1/tasks/{id}/events (Server-Sent Events until the task
// ends) and GET /api/v1/tasks/{id}/audio (the recording, with HTTP Range support, or with
// ?redirect=true a redirect to a presigned object-store URL where the store has them).
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/task_events.hpp"
#include "api/task_store.hpp"
#include "http/range.hpp"

namespace minutes {

void AddTaskStreamRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add("GET", "/api/v1/tasks/{id}/events", true,
        Contract("streamTaskEvents", "tasks",
                 "Server-Sent Events: a `progress` event now and on every change, comments as "
                 "heartbeats, then `done` when the task ends; each event's data is JSON "
                 "{id, state, stage, progress, error}, the Task's fields of the same names")
            .Returns(200, "an event stream", schema::Str(), "text/event-stream")
            .Returns(404, "no such task in the tenant")
            .Returns(429, "the user has server.max_streams_per_user streams open")
            .Returns(501, "this instance does not serve live events: poll the task"),
        [d](Request& req, Response& res) {
          auto row = FindTask(d->db, req);
          if (!row.ok()) return SetError(res, row.status(), req.request_id);
          TaskEventFeed* feed = d->task_events;
          if (!feed)
            return SetError(res, 501, "",
                            "live events are not served here: poll GET /api/v1/tasks/{id}",
                            req.request_id);
          auto slot = feed->Reserve(req.principal->user_id);
          if (!slot)
            return SetError(
                res, 429, "",
                "you have " + std::to_string(d->config.server.max_streams_per_user) +
                    " event streams open already (server.max_streams_per_user): close one",
                req.request_id);
          res.status = 200;
          res.content_type = "text/event-stream";
          res.headers["Cache-Control"] = "no-cache";
          res.headers["X-Accel-Buffering"] = "no";  // nginx: pass events through unbuffered
          nlohmann::json current = TaskEventFeed::EventOf(*row);
          res.events = [feed, id = req.params["id"], current, slot](Response::EventEmit emit) {
            return feed->Subscribe(id, current, std::move(emit), slot);
          };
        });

  r.Add(
      "GET", "/api/v1/tasks/{id}/audio", true,
      Contract("getTaskAudio", "tasks",
               "The recording, with Range requests; or a redirect to the object store")
          .Query("redirect", schema::Bool(),
                 "true: 302 to a presigned object-store URL, where the store has them")
          .Returns(200, "the whole recording", schema::Binary(), "audio/*")
          .Also(200, "video/*", schema::Binary())
          .Also(200, "application/octet-stream", schema::Binary())
          .Header(200, "Accept-Ranges", "bytes")
          .Returns(206, "the range asked for", schema::Binary(), "audio/*")
          .Also(206, "video/*", schema::Binary())
          .Also(206, "application/octet-stream", schema::Binary())
          .Header(206, "Content-Range", "bytes FIRST-LAST/SIZE")
          .Returns(302, "to the object store (redirect=true)")
          .Header(302, "Location", "a presigned URL, valid 15 minutes")
          .Returns(404, "no such task in the tenant")
          .Returns(416, "the range is outside the recording"),
      [d](Request& req, Response& res) {
        auto recording = FindTenantTaskRecording(d->db, req.params["id"], req.principal->tenant_id);
        if (!recording.ok()) return SetError(res, recording.status(), req.request_id);
        if (!*recording)
          return SetError(res, 404, "", "no task " + req.params["id"], req.request_id);
        std::string key = (*recording)->storage_key, type = (*recording)->content_type;
        int64_t size = (*recording)->size;
        // ?redirect=true: straight from the object store, when it has presigned URLs (S3).
        if (req.query["redirect"] == "true") {
          std::string url = d->store.PresignGet(key, 900);
          if (!url.empty()) {
            res.status = 302;
            res.headers["Location"] = url;
            res.headers["Cache-Control"] = "private, no-store";
            res.body.clear();
            return;
          }
        }
        int64_t first = 0, last = size - 1;
        res.headers["Accept-Ranges"] = "bytes";
        RangeRequest range = ParseRange(req.header("Range"), size);
        if (range.kind != RangeRequest::Kind::kWhole) {
          if (range.kind == RangeRequest::Kind::kUnsatisfiable) {
            res.headers["Content-Range"] = "bytes */" + std::to_string(size);
            return SetError(res, 416, "range_not_satisfiable",
                            "the recording has " + std::to_string(size) + " bytes", req.request_id);
          }
          first = range.first, last = range.last;
          res.status = 206;
          res.headers["Content-Range"] = "bytes " + std::to_string(first) + "-" +
                                         std::to_string(last) + "/" + std::to_string(size);
        } else {
          res.status = 200;
        }
        res.content_type = type.empty() ? "application/octet-stream" : type;
        res.content_length = last - first + 1;
        ObjectStore* store = &d->store;
        res.stream = [store, key, first, length = last - first + 1](std::ostream& out) {
          (void)store->Get(key, first, length, out);
        };
      });
}

}  // namespace minutes
