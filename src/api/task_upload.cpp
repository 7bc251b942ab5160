// POST /api/v1/tasks: a recording in (multipart `file` part or the raw body), streamed to
// storage under a server-chosen key, sniffed, validated, and queued — or nothing left behind.

#include <chrono>
#include <cmath>
#include <ctime>
#include <sstream>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/duration_limit.hpp"
#include "api/quotas.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/task_store.hpp"
#include "asr/engine_choice.hpp"
#include "audio/sniff.hpp"
#include "auth/accounts.hpp"
#include "http/multipart_reader.hpp"
#include "minutes/tenant_templates.hpp"
#include "queue/job_queue.hpp"
#include "store/hotwords.hpp"
#include "store/objects.hpp"
#include "store/tasks.hpp"
#include "store/uploads.hpp"

namespace minutes {
namespace {

// The task's settings: multipart fields or query parameters.
struct UploadFields {
  std::string title, template_name = "default", hotword_set, language = "en", engine = "auto";
  int speakers = 0;
  std::string filename;  ///< the client's name for the file: metadata only, never a path
};

// The task the fields describe, queued by `p` with the recording `object_id`.
NewTask NewTaskOf(const Principal& p, const UploadFields& f, const std::string& id,
                  const std::string& title, const std::string& object_id, const std::string& now) {
  NewTask t;
  t.id = id, t.tenant_id = p.tenant_id, t.user_id = p.user_id, t.title = title;
  t.object_id = object_id, t.template_name = f.template_name, t.speakers = f.speakers;
  t.language = f.language, t.engine = f.engine, t.created_at = now;
  if (!f.hotword_set.empty()) t.hotword_set_id = f.hotword_set;
  return t;
}

// Why an upload failed, as an HTTP status and message (and a code naming the limit, and when
// to try again, where a limit refused it).
struct UploadError {
  int status;
  std::string message;
  std::string code = "";
  double retry_after_s = -1;
};

// A refusal by one of the limits: its Status's HTTP status, the code naming the limit (for
// the limit's own kind only: a database failure on the way is reported as such).
UploadError LimitError(const Status& s, ErrorKind limit_kind, const std::string& code) {
  return UploadError{HttpStatusFor(s.kind()), s.message(), s.kind() == limit_kind ? code : "",
                     s.retry_after_s()};
}

// The body cut (or refused up front) by the byte limits it is read under (QuotaReader): the
// tenant's storage quota or the user's upload bytes per hour, told apart by kind.
UploadError BodyLimitError(const Status& s) {
  return UploadError{HttpStatusFor(s.kind()), s.message(), ByteLimitCode(s), s.retry_after_s()};
}

void SetUploadError(Response& res, const UploadError& e, const std::string& request_id) {
  // Internal details stay in the log; the client gets a request id to quote.
  SetError(res, e.status, e.code, e.status == 500 ? "internal error" : e.message, request_id);
  if (e.retry_after_s >= 0)
    res.headers["Retry-After"] = std::to_string(static_cast<long long>(std::ceil(e.retry_after_s)));
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The client's file name reduced to something safe to show: last path component, no
// control characters, at most 200 bytes. It never becomes part of a storage key.
std::string CleanFilename(const std::string& raw) {
  std::string name =
      raw.substr(raw.find_last_of("/\\") == std::string::npos ? 0 : raw.find_last_of("/\\") + 1);
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  if (out == "." || out == "..") out.clear();
  return out.substr(0, 200);
}

std::optional<UploadError> SetField(UploadFields& f, const std::string& name,
                                    const std::string& value) {
  if (value.size() > 1000) return UploadError{400, "field '" + name + "' is too long"};
  if (name == "title")
    f.title = value;
  else if (name == "template")
    f.template_name = value.empty() ? "default" : value;
  else if (name == "hotword_set")
    f.hotword_set = value;
  else if (name == "language")
    f.language = value.empty() ? "en" : value;
  else if (name == "engine")
    f.engine = value.empty() ? "auto" : value;
  else if (name == "expected_speakers" || name == "speakers") {  // speakers: the old name
    try {
      size_t used = 0;
      f.speakers = std::stoi(value, &used);
      if (used != value.size() || f.speakers < 0 || f.speakers > 20) throw std::out_of_range("");
    } catch (const std::exception&) {
      return UploadError{400, name + " must be a whole number from 0 (find out) to 20"};
    }
  } else if (name != "file") {
    return UploadError{400, "unknown field '" + name +
                                "' (expected file, title, template, hotword_set, "
                                "expected_speakers, language, engine)"};
  }
  return std::nullopt;
}

// Over max_bytes is kTooLarge (413), decided by the store's error kind, not its message.
std::optional<UploadError> StoreError(const Status& s) {
  return UploadError{HttpStatusFor(s.kind()), s.message()};
}

// Reads a multipart body: fields in any order, the `file` part streamed to `key`.
std::optional<UploadError> ReadMultipart(const ServiceContext& d, QuotaReader& body,
                                         const std::string& boundary, const std::string& key,
                                         UploadFields& f, ObjectInfo& info, bool& stored) {
  MultipartReader reader(body.stream(), boundary);
  MultipartPart part;
  for (;;) {
    auto next = reader.Next(&part);
    if (!next.ok() && !body.error().ok()) return BodyLimitError(body.error());
    if (!next.ok())
      return UploadError{HttpStatusFor(next.status().kind()),
                         "malformed multipart body: " + next.status().message()};
    if (!*next) break;
    if (part.name == "file") {
      if (stored) return UploadError{400, "more than one file part"};
      f.filename = CleanFilename(part.filename);
      auto put = d.store.Put(key, reader.content(), d.max_upload_bytes);
      // Cut at a byte limit (storage quota, upload bytes per hour): say so first; a cut body is
      // the client's doing: say so, rather than the store's read failure.
      if (!body.error().ok()) return BodyLimitError(body.error());
      if (!reader.error().ok())
        return UploadError{HttpStatusFor(reader.error().kind()),
                           "malformed multipart body: " + reader.error().message()};
      if (!put.ok()) return StoreError(put.status());
      info = *put;
      stored = true;
    } else {
      std::string value(1001, '\0');
      reader.content().read(value.data(), static_cast<std::streamsize>(value.size()));
      value.resize(static_cast<size_t>(reader.content().gcount()));
      if (!body.error().ok()) return BodyLimitError(body.error());
      if (!reader.error().ok())
        return UploadError{HttpStatusFor(reader.error().kind()), reader.error().message()};
      if (auto e = SetField(f, part.name, value)) return e;
    }
  }
  if (!stored) return UploadError{400, "no 'file' part: send the recording as the part 'file'"};
  return std::nullopt;
}

// Refuses what is not a recording, by content: the first bytes through FFmpeg's probe.
std::optional<UploadError> Sniff(ObjectStore& store, const std::string& key, std::string* format) {
  std::ostringstream head;
  if (Status s = store.Get(key, 0, static_cast<int64_t>(kSniffBytes), head); !s.ok())
    return UploadError{HttpStatusFor(s.kind()), s.message()};
  auto fmt = SniffMediaFormat(head.str());
  if (!fmt.ok()) return UploadError{HttpStatusFor(fmt.status().kind()), fmt.status().message()};
  *format = *fmt;
  return std::nullopt;
}

std::optional<UploadError> CheckReferences(const ServiceContext& d, const Principal& p,
                                           const UploadFields& f) {
  auto templates = TenantTemplates(d.db, p.tenant_id);
  // A database that is away is 503 (try again), not a fault of ours.
  if (!templates.ok())
    return UploadError{HttpStatusFor(templates.status().kind()), templates.status().message()};
  if (!templates->Has(f.template_name))
    return UploadError{400, "unknown template '" + f.template_name + "'"};
  if (Status e = CheckEngineChoice(ConfiguredEngines(d.config.asr.engine, d.config.asr.fallback),
                                   f.engine);
      !e.ok())
    return UploadError{400, e.message()};
  if (!f.hotword_set.empty()) {
    auto has = TenantHasHotwordSet(d.db, f.hotword_set, p.tenant_id);
    if (!has.ok()) return UploadError{HttpStatusFor(has.status().kind()), has.status().message()};
    if (!*has) return UploadError{400, "unknown hotword set '" + f.hotword_set + "'"};
  }
  return std::nullopt;
}

// After refusing an upload part-way, reads (and drops) a bounded remainder so the client, still
// sending, gets to read the error instead of a connection reset; then the connection closes.
void DrainAndClose(Request& req, Response& res) {
  char buf[64 * 1024];
  int64_t left = 64LL * 1024 * 1024;
  while (left > 0 && req.body->read(buf, sizeof buf)) left -= req.body->gcount();
  res.headers["Connection"] = "close";
}

// A completed direct upload's recording against limits.max_duration_s: probed when it was
// completed, probed now when that was before the limit existed or the limit is lower now. Over
// the limit, the recording goes (and the upload is aborted): nothing is kept for it.
std::optional<UploadError> CheckUploadedDuration(const ServiceContext& d, const Principal& p,
                                                 const std::string& upload_id) {
  auto found = FindUntakenUploadObject(d.db, upload_id, p.tenant_id);
  if (!found.ok())
    return UploadError{HttpStatusFor(found.status().kind()), found.status().message()};
  if (!*found) return std::nullopt;  // not completed or taken: the transaction says so
  const UntakenUploadObject& o = **found;
  const int limit = d.config.limits.max_duration_s;
  const bool known = o.duration.has_value();
  const double seconds = o.duration.value_or(0);
  if (known && seconds <= limit) return std::nullopt;
  auto probed = CheckRecordingDuration(d.store, o.storage_key, o.size, limit);
  if (probed.ok()) {
    if (!known && *probed > 0) (void)SetObjectDuration(d.db, o.object_id, *probed);
    return std::nullopt;
  }
  if (probed.status().kind() != ErrorKind::kFailedPrecondition)
    return LimitError(probed.status(), ErrorKind::kFailedPrecondition, "recording_too_long");
  Status gone = d.db.Transaction([&](Database& tx) -> Status {
    if (Status e = MarkUploadAbortedWithoutObject(tx, upload_id); !e.ok()) return e;
    return DeleteObjectRow(tx, o.object_id);
  });
  if (gone.ok()) (void)d.store.Delete(o.storage_key);  // rows first: no dangling row
  return LimitError(probed.status(), ErrorKind::kFailedPrecondition, "recording_too_long");
}

// The task's fields: multipart fields, or query parameters beside a raw body.
const std::pair<const char*, const char*> kFields[] = {
    {"title", "the meeting's title (default: the file name)"},
    {"template", "a minutes template name (default)"},
    {"hotword_set", "a hotword set id"},
    {"expected_speakers", "how many speakers: 0 (find out, the default) to 20"},
    {"language", "the spoken language (en)"},
    {"engine", "a configured speech engine name (auto)"}};

nlohmann::json FieldSchema(const std::string& name, const char* description) {
  return name == "expected_speakers" ? schema::Int(description) : schema::Str(description);
}

Contract UploadContract() {
  Contract c("createTask", "tasks",
             "Upload a recording and queue it: multipart/form-data (part `file` plus the "
             "fields), the recording as the body (audio/* or video/*, the fields as query "
             "parameters), or JSON naming a completed direct upload");
  nlohmann::json form = {{"type", "object"},
                         {"required", {"file"}},
                         {"properties", {{"file", schema::Binary("the recording")}}}};
  for (const auto& [name, what] : kFields) {
    c.Query(name, FieldSchema(name, what), what + std::string(" (raw-body uploads)"));
    form["properties"][name] = FieldSchema(name, what);
  }
  c.Body("multipart/form-data", form)
      .Body("audio/*", schema::Binary("the recording"))
      .Body("video/*", schema::Binary("the recording"))
      .Body("application/octet-stream", schema::Binary("the recording"))
      .Body("application/json", schema::Ref("TaskFromUpload"))
      .Returns(201, "queued", schema::Ref("Task"))
      .Header(201, "Location", "the task: /api/v1/tasks/{id}")
      .Returns(400, "a bad field, an unknown template or hotword set, an empty or truncated upload")
      .Returns(404, "no such upload")
      .Returns(409, "the upload is not completed, or already has a task")
      .Returns(411, "neither Content-Length nor chunked")
      .Returns(413,
               "larger than server.max_upload_mb, or past the tenant's storage quota (code "
               "storage_quota_exceeded; limits.tenant_storage_mb)")
      .Returns(415, "not an audio or video file")
      .Returns(422, "longer than limits.max_duration_s (code recording_too_long; nothing kept)")
      .Returns(429,
               "the tenant has limits.tenant_queued_tasks tasks queued (queued_tasks_limit), "
               "the user started limits.user_uploads_per_minute uploads in the last minute "
               "(upload_rate_limit), or the recording would take the bytes the user uploaded "
               "in the last hour past limits.user_upload_mb_per_hour (upload_bytes_rate_limit)")
      .Header(429, "Retry-After", "seconds; none when the recording alone is over the limit",
              schema::Int());
  return c;
}

// 201 with the new task, as GET /api/v1/tasks/{id} shows it.
void AnswerCreated(const ServiceContext& d, Request& req, Response& res, const std::string& id) {
  req.params["id"] = id;
  auto row = FindTask(d.db, req);
  if (!row.ok()) return SetError(res, row.status(), req.request_id);
  res.Json(201, TaskJson(*row));
  res.headers["Location"] = "/api/v1/tasks/" + id;
}

// POST /api/v1/tasks {"upload_id", "title", "template", …}: a task from a completed upload.
void CreateFromUpload(const ServiceContext& d, Request& req, Response& res) {
  const Principal& p = *req.principal;
  auto body = ReadJsonBody(req);
  if (!body.ok()) return SetError(res, 400, "", body.status().message(), req.request_id);
  if (!body->is_object() || !body->contains("upload_id") || !(*body)["upload_id"].is_string())
    return SetError(res, 400, "", "send {\"upload_id\": \"…\"} with the task's fields",
                    req.request_id);
  UploadFields f;
  for (auto& [k, v] : body->items()) {
    if (k == "upload_id") continue;
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    if (auto e = SetField(f, k, value))
      return SetError(res, e->status, "", e->message, req.request_id);
  }
  if (auto e = CheckReferences(d, p, f))
    return SetError(res, e->status, "", e->message, req.request_id);
  std::string upload_id = (*body)["upload_id"], id;
  auto new_id = RandomHex(12);
  if (!new_id.ok()) return SetError(res, 500, "", "internal error", req.request_id);
  id = *new_id;
  Quotas quotas(d.db, d.config.limits);
  if (auto e = CheckUploadedDuration(d, p, upload_id))
    return SetUploadError(res, *e, req.request_id);
  std::string now = NowIso();
  std::optional<UploadError> err;
  Status s = d.db.Transaction([&](Database& tx) -> Status {
    err.reset();  // the transaction may be retried
    if (Status e = quotas.CheckQueuedTasks(tx, p.tenant_id); !e.ok()) {
      err = LimitError(e, ErrorKind::kResourceExhausted, "queued_tasks_limit");
      return e.kind() == ErrorKind::kResourceExhausted ? Status::Ok() : e;
    }
    auto found = FindTenantUpload(tx, upload_id, p.tenant_id);
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no upload '" + upload_id + "'");
    const UploadRow& u = **found;
    if (u.state != "completed" || u.object_id.empty()) {
      err = UploadError{409, "upload " + upload_id + " is not completed"};
      return Status::Ok();
    }
    if (!u.task_id.empty()) {
      err = UploadError{409, "upload " + upload_id + " already has task " + u.task_id};
      return Status::Ok();
    }
    if (Status e = InsertTask(
            tx, NewTaskOf(p, f, id, f.title.empty() ? u.filename : f.title, u.object_id, now));
        !e.ok())
      return e;
    if (Status e = SetUploadTask(tx, upload_id, id); !e.ok()) return e;
    return JobQueue::Enqueue(tx, id, "transcribe");
  });
  if (!s.ok()) return SetError(res, s, req.request_id);
  if (err) return SetUploadError(res, *err, req.request_id);
  if (d.queue) d.queue->Notify();
  Audit(d.db, req, "task.create", id);
  AnswerCreated(d, req, res, id);
}

}  // namespace

void AddTaskUploadRoute(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("POST", "/api/v1/tasks", true, UploadContract(), [d](Request& req, Response& res) {
    const Principal& p = *req.principal;
    std::string type = req.header("Content-Type");
    // The media type: what comes before any parameters, without surrounding spaces.
    std::string media = type.substr(0, type.find(';'));
    media.erase(0, media.find_first_not_of(" \t"));
    media.erase(media.find_last_not_of(" \t") + 1);
    if (media == "application/json") return CreateFromUpload(*d, req, res);
    bool multipart = media == "multipart/form-data";
    if (!multipart && media.rfind("audio/", 0) != 0 && media.rfind("video/", 0) != 0 &&
        media != "application/octet-stream")
      return SetError(res, 415, "",
                      "send multipart/form-data with a 'file' part, the recording as the "
                      "body with Content-Type audio/* or video/*, or JSON {\"upload_id\"} of a "
                      "completed upload",
                      req.request_id);
    auto id = RandomHex(12), oid = RandomHex(12);
    if (!id.ok() || !oid.ok()) return SetError(res, 500, "", "internal error", req.request_id);
    std::string key = "tenants/" + p.tenant_id + "/recordings/" + *oid;
    Quotas quotas(d->db, d->config.limits);
    // The limits that need no byte of the body are asked first: a refused upload is not read.
    if (Status s = quotas.CheckQueuedTasks(d->db, p.tenant_id); !s.ok()) {
      DrainAndClose(req, res);
      return SetUploadError(res, LimitError(s, ErrorKind::kResourceExhausted, "queued_tasks_limit"),
                            req.request_id);
    }
    if (Status s = quotas.CountUpload(p.user_id, NowMs()); !s.ok()) {
      DrainAndClose(req, res);
      return SetUploadError(res, LimitError(s, ErrorKind::kResourceExhausted, "upload_rate_limit"),
                            req.request_id);
    }
    int64_t length = -1;
    try {
      if (std::string cl = req.header("Content-Length"); !cl.empty()) length = std::stoll(cl);
    } catch (const std::exception&) {
    }
    QuotaReader body(quotas, *req.body, p.tenant_id, p.user_id, length);
    if (Status s = body.Start(std::time(nullptr)); !s.ok()) {
      DrainAndClose(req, res);
      return SetUploadError(res, BodyLimitError(s), req.request_id);
    }
    UploadFields f;
    ObjectInfo info;
    bool stored = false;
    std::optional<UploadError> err;
    for (auto& [k, v] : req.query)
      if (!err && k != "file") err = SetField(f, k, v);
    if (!err && multipart) {
      auto boundary = MultipartBoundary(type);
      if (!boundary.ok())
        err = UploadError{400, boundary.status().message()};
      else
        err = ReadMultipart(*d, body, *boundary, key, f, info, stored);
    } else if (!err) {
      auto put = d->store.Put(key, body.stream(), d->max_upload_bytes);
      if (!body.error().ok())
        err = BodyLimitError(body.error());
      else if (put.ok())
        info = *put, stored = true;
      else
        err = StoreError(put.status());
    }
    if (!err && info.size == 0) err = UploadError{400, "the recording is empty"};
    if (!err) err = CheckReferences(*d, p, f);
    std::string format;
    if (!err) err = Sniff(d->store, key, &format);
    // How long it is, from its audio: refused before anything is queued or billed.
    std::optional<double> duration;
    if (!err) {
      auto probed =
          CheckRecordingDuration(d->store, key, info.size, d->config.limits.max_duration_s);
      if (!probed.ok())
        err = LimitError(probed.status(), ErrorKind::kFailedPrecondition, "recording_too_long");
      else if (*probed > 0)
        duration = *probed;
    }
    std::string now = NowIso();
    if (!err) {
      Status s = d->db.Transaction([&](Database& tx) -> Status {
        // Counted again where the task is inserted: concurrent uploads cannot pass it together.
        if (Status e = quotas.CheckQueuedTasks(tx, p.tenant_id); !e.ok()) return e;
        if (Status e = InsertObject(tx, {*oid, p.tenant_id, key, f.filename, multipart ? "" : media,
                                         info.size, info.sha256, format, now, duration});
            !e.ok())
          return e;
        if (Status e = InsertTask(
                tx, NewTaskOf(p, f, *id, f.title.empty() ? f.filename : f.title, *oid, now));
            !e.ok())
          return e;
        // The object now counts against the quota itself, and its bytes against the user's
        // hourly upload bytes: the reservation becomes that.
        if (Status e = body.Record(tx, info.size, NowMs()); !e.ok()) return e;
        return JobQueue::Enqueue(tx, *id, "transcribe");
      });
      if (s.ok())
        body.Commit();
      else
        err = LimitError(s, ErrorKind::kResourceExhausted, "queued_tasks_limit");
    }
    if (err) {
      (void)d->store.Delete(key);  // also removes a partial object
      DrainAndClose(req, res);
      return SetUploadError(res, *err, req.request_id);
    }
    if (d->queue) d->queue->Notify();
    Audit(d->db, req, "task.create", *id);
    AnswerCreated(*d, req, res, *id);
  });
}

}  // namespace minutes
