// POST /api/v1/tasks: a recording in (multipart `file` part or the raw body), streamed to
// storage under a server-chosen key, sniffed, validated, and queued — or nothing left behind.

#include <sstream>

#include "api/audit.hpp"
#include "api/routes.hpp"
#include "asr/engine_choice.hpp"
#include "audio/sniff.hpp"
#include "auth/accounts.hpp"
#include "http/multipart_reader.hpp"
#include "queue/job_queue.hpp"
#include "worker/tenant_templates.hpp"

namespace minutes {
namespace {

// The task's settings: multipart fields or query parameters.
struct UploadFields {
  std::string title, template_name = "default", hotword_set, language = "en", engine = "auto";
  int speakers = 0;
  std::string filename;  ///< the client's name for the file: metadata only, never a path
};

// Why an upload failed, as an HTTP status and message.
struct UploadError {
  int status;
  std::string message;
};

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
  else if (name == "speakers") {
    try {
      size_t used = 0;
      f.speakers = std::stoi(value, &used);
      if (used != value.size() || f.speakers < 0 || f.speakers > 20) throw std::out_of_range("");
    } catch (const std::exception&) {
      return UploadError{400, "speakers must be a whole number from 0 (find out) to 20"};
    }
  } else if (name != "file") {
    return UploadError{400, "unknown field '" + name +
                                "' (expected file, title, template, hotword_set, speakers, "
                                "language, engine)"};
  }
  return std::nullopt;
}

std::optional<UploadError> StoreError(const Status& s) {
  if (s.message().find("larger than") != std::string::npos) return UploadError{413, s.message()};
  return UploadError{HttpStatusFor(s.kind()), s.message()};
}

// Reads a multipart body: fields in any order, the `file` part streamed to `key`.
std::optional<UploadError> ReadMultipart(const ServiceContext& d, Request& req,
                                         const std::string& boundary, const std::string& key,
                                         UploadFields& f, ObjectInfo& info, bool& stored) {
  MultipartReader reader(*req.body, boundary);
  MultipartPart part;
  for (;;) {
    auto next = reader.Next(&part);
    if (!next.ok())
      return UploadError{HttpStatusFor(next.status().kind()),
                         "malformed multipart body: " + next.status().message()};
    if (!*next) break;
    if (part.name == "file") {
      if (stored) return UploadError{400, "more than one file part"};
      f.filename = CleanFilename(part.filename);
      auto put = d.store.Put(key, reader.content(), d.max_upload_bytes);
      // A cut body is the client's doing: say so, rather than the store's read failure.
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
    return UploadError{500, s.message()};
  auto fmt = SniffMediaFormat(head.str());
  if (!fmt.ok())
    return UploadError{fmt.status().message() == "the recording is empty" ? 400 : 415,
                       fmt.status().message()};
  *format = *fmt;
  return std::nullopt;
}

std::optional<UploadError> CheckReferences(const ServiceContext& d, const Principal& p,
                                           const UploadFields& f) {
  auto templates = TenantTemplates(d.db, p.tenant_id);
  if (!templates.ok()) return UploadError{500, templates.status().message()};
  if (!templates->Has(f.template_name))
    return UploadError{400, "unknown template '" + f.template_name + "'"};
  if (Status e = CheckEngineChoice(ConfiguredEngines(d.config.asr.engine, d.config.asr.fallback),
                                   f.engine);
      !e.ok())
    return UploadError{400, e.message()};
  if (!f.hotword_set.empty()) {
    auto rows = d.db.Query("SELECT 1 FROM hotword_sets WHERE id = ? AND tenant_id = ?",
                           {f.hotword_set, p.tenant_id});
    if (!rows.ok()) return UploadError{500, rows.status().message()};
    if (rows->empty()) return UploadError{400, "unknown hotword set '" + f.hotword_set + "'"};
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
  std::string now = NowIso();
  std::optional<UploadError> err;
  Status s = d.db.Transaction([&](Database& tx) -> Status {
    auto rows = tx.Query(
        "SELECT state, object_id, task_id, filename FROM uploads WHERE id = ? AND tenant_id = ?",
        {upload_id, p.tenant_id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no upload '" + upload_id + "'");
    const DbRow& u = (*rows)[0];
    if (AsString(u[0]) != "completed" || AsString(u[1]).empty()) {
      err = UploadError{409, "upload " + upload_id + " is not completed"};
      return Status::Ok();
    }
    if (!AsString(u[2]).empty()) {
      err = UploadError{409, "upload " + upload_id + " already has task " + AsString(u[2])};
      return Status::Ok();
    }
    if (Status e = tx.Exec(
            "INSERT INTO tasks (id, tenant_id, user_id, title, object_id, state, template, "
            "hotword_set_id, speakers, language, engine, created_at, updated_at) VALUES (?, ?, "
            "?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
            {id, p.tenant_id, p.user_id, f.title.empty() ? AsString(u[3]) : f.title, AsString(u[1]),
             f.template_name, f.hotword_set.empty() ? DbValue(nullptr) : DbValue(f.hotword_set),
             int64_t{f.speakers}, f.language, f.engine, now, now});
        !e.ok())
      return e;
    if (Status e = tx.Exec("UPDATE uploads SET task_id = ? WHERE id = ?", {id, upload_id}); !e.ok())
      return e;
    return JobQueue::Enqueue(tx, id, "transcribe");
  });
  if (!s.ok()) return SetError(res, s, req.request_id);
  if (err) return SetError(res, err->status, "", err->message, req.request_id);
  if (d.queue) d.queue->Notify();
  Audit(d.db, req, "task.create", id);
  res.Json(201, {{"id", id}, {"state", "queued"}, {"upload_id", upload_id}});
  res.headers["Location"] = "/api/v1/tasks/" + id;
}

}  // namespace

void AddTaskUploadRoute(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("POST", "/api/v1/tasks", true, [d](Request& req, Response& res) {
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
        err = ReadMultipart(*d, req, *boundary, key, f, info, stored);
    } else if (!err) {
      auto put = d->store.Put(key, *req.body, d->max_upload_bytes);
      if (put.ok())
        info = *put, stored = true;
      else
        err = StoreError(put.status());
    }
    if (!err && info.size == 0) err = UploadError{400, "the recording is empty"};
    if (!err) err = CheckReferences(*d, p, f);
    std::string format;
    if (!err) err = Sniff(d->store, key, &format);
    std::string now = NowIso();
    if (!err) {
      Status s = d->db.Transaction([&](Database& tx) -> Status {
        if (Status e = tx.Exec(
                "INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, "
                "sha256, format, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {*oid, p.tenant_id, key, f.filename, multipart ? "" : media, info.size, info.sha256,
                 format, now});
            !e.ok())
          return e;
        if (Status e = tx.Exec(
                "INSERT INTO tasks (id, tenant_id, user_id, title, object_id, state, template, "
                "hotword_set_id, speakers, language, engine, created_at, updated_at) VALUES (?, ?, "
                "?, "
                "?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
                {*id, p.tenant_id, p.user_id, f.title.empty() ? f.filename : f.title, *oid,
                 f.template_name, f.hotword_set.empty() ? DbValue(nullptr) : DbValue(f.hotword_set),
                 int64_t{f.speakers}, f.language, f.engine, now, now});
            !e.ok())
          return e;
        return JobQueue::Enqueue(tx, *id, "transcribe");
      });
      if (!s.ok()) err = UploadError{HttpStatusFor(s.kind()), s.message()};
    }
    if (err) {
      (void)d->store.Delete(key);  // also removes a partial object
      DrainAndClose(req, res);
      return SetError(res, err->status, "", err->message, req.request_id);
    }
    if (d->queue) d->queue->Notify();
    Audit(d->db, req, "task.create", *id);
    res.Json(201, {{"id", *id}, {"state", "queued"}});
    res.headers["Location"] = "/api/v1/tasks/" + *id;
  });
}

}  // namespace minutes
