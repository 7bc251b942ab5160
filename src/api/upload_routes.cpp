// Direct uploads for big recordings: POST /api/v1/uploads hands out part URLs (presigned
// object-store URLs, or the API's own signed part URLs on local storage — same shape),
// the client PUTs the parts (resumable: GET lists what arrived), then complete joins and
// verifies them into an object that POST /api/v1/tasks {"upload_id"} turns into a task.
#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/duration_limit.hpp"
#include "api/jwt.hpp"
#include "api/quotas.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "audio/sniff.hpp"
#include "auth/password.hpp"
#include "core/clock.hpp"
#include "crypto/hmac.hpp"
#include "store/objects.hpp"
#include "store/uploads.hpp"

namespace minutes {
namespace {

constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kMinPart = 8 * kMiB, kMaxPart = 64 * kMiB;
constexpr int kMaxParts = 10000;

// The upload `id` of the caller's tenant (NotFound otherwise, whoever owns it).
Result<UploadRow> FindUpload(Database& db, const std::string& id, const std::string& tenant) {
  auto upload = FindTenantUpload(db, id, tenant);
  if (!upload.ok()) return upload.status();
  if (!*upload) return Status::NotFound("no upload '" + id + "'");
  return std::move(**upload);
}

int64_t PartSizeFor(int64_t size) {
  int64_t per = (size + kMaxParts - 1) / kMaxParts;
  per = (per + kMiB - 1) / kMiB * kMiB;
  return std::clamp(per, kMinPart, kMaxPart);
}

int UrlTtl(const ServiceContext& d) {
  int ttl = d.config.worker.temp_ttl_s > 0 ? d.config.worker.temp_ttl_s : 86400;
  return std::min(ttl, 7 * 86400);  // SigV4's longest
}

// Unix seconds of a stored timestamp ("2026-11-22T10:00:30Z", milliseconds ignored); 0 when
// it is not one, which makes URLs signed with it already expired.
int64_t UnixFromIso(const std::string& iso) {
  std::tm tm{};
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm));
}

// The API's part URLs carry their own expiry and a token signing it with the upload's key:
// hex HMAC-SHA256(part_url_key, "minutes-upload-part\n" id "\n" part "\n" expires). Nothing
// is stored per URL, so any number of them are valid side by side until their expiry, and
// handing out new ones (GET) leaves the earlier ones working. `part` and `expires` are signed
// as they appear in the URL.
std::string PartUrlToken(const std::string& key, const std::string& upload_id,
                         const std::string& part, const std::string& expires) {
  return HmacSha256Hex(key, "minutes-upload-part\n" + upload_id + "\n" + part + "\n" + expires);
}

// Compares secrets in time that does not depend on where they differ.
bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// True when `query` holds a valid, unexpired token for PUTting part `part` of `u`.
bool PartUrlValid(const UploadRow& u, const std::string& part,
                  const std::map<std::string, std::string>& query) {
  auto token = query.find("token"), expires = query.find("expires");
  if (token == query.end()) return false;
  // URLs handed out before migration 0006 (or by an older instance during a roll-out) carry
  // the upload's single token and no expiry; the upload's own expiry still applies to them.
  if (expires == query.end())
    return !u.token_hash.empty() && SameSecret(Sha256Hex(token->second), u.token_hash);
  if (u.part_url_key.empty()) return false;  // an empty key would let anyone sign
  const std::string& text = expires->second;
  int64_t at = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), at);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  return SameSecret(PartUrlToken(u.part_url_key, u.id, part, text), token->second) &&
         UnixNow() <= at;
}

// The upload's part URL key, made on first need for uploads started before migration 0006 (or
// by an older instance during a roll-out); concurrent callers end up with the same key.
Status EnsurePartUrlKey(Database& db, UploadRow& u) {
  if (!u.part_url_key.empty()) return Status::Ok();
  auto key = RandomHex(32);
  if (!key.ok()) return key.status();
  auto kept = EnsureUploadPartUrlKey(db, u.id, *key);
  if (!kept.ok()) return kept.status();
  if (!*kept) return Status::NotFound("no upload '" + u.id + "'");
  u.part_url_key = **kept;
  return Status::Ok();
}

// Part URLs for `numbers`: presigned by the store, or the API's own, signed with the upload's
// key and valid as long as the upload.
nlohmann::json PartUrls(const ServiceContext& d, const UploadRow& u,
                        const std::vector<int>& numbers) {
  nlohmann::json parts = nlohmann::json::array();
  std::string expires = std::to_string(UnixFromIso(u.expires_at));
  for (int n : numbers) {
    std::string url = d.store.PresignPart(u.storage_key, u.store_upload_id, n, UrlTtl(d));
    if (url.empty()) {
      std::string part = std::to_string(n);
      url = "/api/v1/uploads/" + u.id + "/parts/" + part + "?expires=" + expires +
            "&token=" + PartUrlToken(u.part_url_key, u.id, part, expires);
    }
    parts.push_back({{"number", n}, {"size", u.PartBytes(n)}, {"method", "PUT"}, {"url", url}});
  }
  return parts;
}

nlohmann::json UploadJson(const UploadRow& u) {
  nlohmann::json j = {{"id", u.id},
                      {"state", u.state},
                      {"filename", u.filename},
                      {"content_type", u.content_type},
                      {"size", u.size},
                      {"part_size", u.part_size},
                      {"parts_total", u.parts_total()},
                      {"created_at", u.created_at},
                      {"expires_at", u.expires_at},
                      {"complete_url", "/api/v1/uploads/" + u.id + "/complete"}};
  if (!u.object_id.empty()) j["object_id"] = u.object_id;
  if (!u.task_id.empty()) j["task_id"] = u.task_id;
  return j;
}

// The code naming the limit that refused, when a limit (and not, say, the database on the way)
// did; "" otherwise.
std::string LimitCode(const Status& s, ErrorKind limit_kind, const std::string& code) {
  return s.kind() == limit_kind ? code : "";
}

void CreateUpload(const ServiceContext& d, Request& req, Response& res) {
  const Principal& p = *req.principal;
  auto body = ReadJsonBody(req);
  if (!body.ok()) return SetError(res, 400, "", body.status().message(), req.request_id);
  const nlohmann::json& b = *body;
  if (!b.is_object() || !b.contains("filename") || !b["filename"].is_string() ||
      b["filename"].get<std::string>().empty() || !b.contains("size") ||
      !b["size"].is_number_integer())
    return SetError(res, 400, "",
                    "send {\"filename\": \"…\", \"size\": bytes, \"content_type\": \"audio/…\"}",
                    req.request_id);
  // A content_type that is not a string is refused below like an unknown one (json::value()
  // would throw).
  std::string filename = b["filename"],
              type = b.contains("content_type") && b["content_type"].is_string()
                         ? b["content_type"].get<std::string>()
                         : "";
  int64_t size = b["size"];
  if (filename.size() > 200) return SetError(res, 400, "", "filename is too long", req.request_id);
  if (size <= 0) return SetError(res, 400, "", "size must be positive", req.request_id);
  if (size > d.max_upload_bytes)
    return SetError(res, 413, "",
                    "the recording is " + std::to_string(size) + " bytes; the limit is " +
                        std::to_string(d.max_upload_bytes),
                    req.request_id);
  if (type.rfind("audio/", 0) != 0 && type.rfind("video/", 0) != 0 &&
      type != "application/octet-stream")
    return SetError(res, 415, "", "content_type must be audio/* or video/*", req.request_id);
  Quotas quotas(d.db, d.config.limits);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  // The declared size is checked before anything is started, and again (below) in the
  // transaction that records the upload: its bytes count against the quota and the user's
  // upload bytes per hour from then on.
  if (Status s = quotas.CheckFits(d.db, p.tenant_id, size, now_ms / 1000); !s.ok())
    return SetError(res, s, ByteLimitCode(s), req.request_id);
  if (Status s = quotas.CheckUploadBytes(d.db, p.user_id, size, now_ms); !s.ok())
    return SetError(res, s, ByteLimitCode(s), req.request_id);
  if (Status s = quotas.CountUpload(p.user_id, now_ms); !s.ok())
    return SetError(res, s, LimitCode(s, ErrorKind::kResourceExhausted, "upload_rate_limit"),
                    req.request_id);
  auto id = RandomHex(12), oid = RandomHex(12), key = RandomHex(32);
  if (!id.ok() || !oid.ok() || !key.ok())
    return SetError(res, 500, "", "internal error", req.request_id);
  UploadRow u;
  u.id = *id;
  u.tenant_id = p.tenant_id;
  u.filename = filename;
  u.content_type = type;
  u.size = size;
  u.part_size = PartSizeFor(size);
  u.storage_key = "tenants/" + p.tenant_id + "/recordings/" + *oid;
  u.state = "open";
  u.created_at = NowIso();
  u.expires_at = IsoFromNow(UrlTtl(d));
  auto started = d.store.BeginUpload(u.storage_key);
  if (!started.ok()) return SetError(res, started.status(), req.request_id);
  u.store_upload_id = *started;
  u.part_url_key = *key;
  Status s = d.db.Transaction([&](Database& tx) -> Status {
    if (Status e = quotas.CheckFits(tx, p.tenant_id, size, now_ms / 1000); !e.ok()) return e;
    if (Status e = quotas.CheckUploadBytes(tx, p.user_id, size, now_ms); !e.ok()) return e;
    return InsertUpload(tx, u, p.user_id);
  });
  if (!s.ok()) {
    (void)d.store.AbortUpload(u.storage_key, u.store_upload_id);
    return SetError(res, s, ByteLimitCode(s), req.request_id);
  }
  std::vector<int> all(u.parts_total());
  for (int i = 0; i < u.parts_total(); ++i) all[i] = i + 1;
  nlohmann::json j = UploadJson(u);
  j["parts"] = PartUrls(d, u, all);
  Audit(d.db, req, "upload.create", u.id);
  res.headers["Location"] = "/api/v1/uploads/" + u.id;
  res.Json(201, j);
}

// The caller's uploads, newest first (?state=open to find the ones to resume).
void ListUploads(const ServiceContext& d, Request& req, Response& res) {
  std::string state = req.query["state"];
  static const std::vector<std::string> kStates = {"", "open", "completed", "aborted", "expired"};
  if (std::find(kStates.begin(), kStates.end(), state) == kStates.end())
    return SetError(res, 400, "", "state must be open, completed, aborted or expired",
                    req.request_id);
  auto uploads = ListUserUploads(d.db, req.principal->tenant_id, req.principal->user_id, state);
  if (!uploads.ok()) return SetError(res, uploads.status(), req.request_id);
  nlohmann::json items = nlohmann::json::array();
  for (const UploadRow& u : *uploads) items.push_back(UploadJson(u));
  res.Json(200, {{"items", items}});
}

void ShowUpload(const ServiceContext& d, Request& req, Response& res) {
  auto u = FindUpload(d.db, req.params["id"], req.principal->tenant_id);
  if (!u.ok()) return SetError(res, u.status(), req.request_id);
  nlohmann::json j = UploadJson(*u);
  if (u->state != "open") return res.Json(200, j);
  auto parts = d.store.ListParts(u->storage_key, u->store_upload_id);
  if (!parts.ok() && parts.status().kind() != ErrorKind::kBadInput)
    return SetError(res, parts.status(), req.request_id);
  std::vector<int> missing;
  if (parts.ok()) {
    j["parts_received"] = nlohmann::json::array();
    for (int n = 1; n <= u->parts_total(); ++n) {
      auto it = std::find_if(parts->begin(), parts->end(), [&](auto& p) { return p.number == n; });
      if (it != parts->end() && it->size == u->PartBytes(n))
        j["parts_received"].push_back({{"number", n}, {"size", it->size}, {"etag", it->etag}});
      else
        missing.push_back(n);
    }
  } else {  // the store cannot list parts: the client keeps its PUTs' ETags
    j["parts_received"] = nullptr;
    j["parts_note"] = parts.status().message() + "; send the ETags of your PUTs to complete";
    for (int n = 1; n <= u->parts_total(); ++n) missing.push_back(n);
  }
  j["missing"] = missing;
  // Fresh URLs for what is missing; the ones handed out before stay valid until their expiry.
  if (Status s = EnsurePartUrlKey(d.db, *u); !s.ok()) return SetError(res, s, req.request_id);
  j["parts"] = PartUrls(d, *u, missing);
  res.Json(200, j);
}

// Refusing a part: read (and drop) a bounded remainder first, so the client, still sending,
// reads the error instead of a reset connection.
void RefusePart(Request& req, Response& res, int code, const std::string& message) {
  char buf[64 * 1024];
  int64_t left = kMaxPart + kMiB;
  while (left > 0 && req.body && req.body->read(buf, sizeof buf)) left -= req.body->gcount();
  res.headers["Connection"] = "close";
  SetError(res, code, "", message, req.request_id);
}

void PutPart(const ServiceContext& d, Request& req, Response& res) {
  auto found = FindUploadById(d.db, req.params["id"]);
  if (!found.ok())
    return RefusePart(req, res, HttpStatusFor(found.status().kind()), found.status().message());
  // One answer for a wrong, foreign or expired token and an unknown upload: the URL is the
  // credential.
  UploadRow u = *found ? **found : UploadRow{};
  if (!*found || !PartUrlValid(u, req.params["n"], req.query))
    return RefusePart(req, res, 403, "this part URL is not valid (wrong or expired token)");
  if (u.state != "open" || u.expires_at < NowIso())
    return RefusePart(req, res, 409,
                      "upload " + u.id + " is " + (u.state == "open" ? "expired" : u.state));
  int n = 0;
  try {
    n = std::stoi(req.params["n"]);
  } catch (const std::exception&) {
  }
  if (n < 1 || n > u.parts_total())
    return RefusePart(req, res, 400, "part number must be 1.." + std::to_string(u.parts_total()));
  int64_t want = u.PartBytes(n);
  std::string length = req.header("Content-Length");
  if (length != std::to_string(want))
    return RefusePart(req, res, 400,
                      "part " + std::to_string(n) + " must be exactly " + std::to_string(want) +
                          " bytes (Content-Length " + (length.empty() ? "missing" : length) + ")");
  auto part = d.store.PutPart(u.storage_key, u.store_upload_id, n, *req.body, want);
  if (!part.ok()) return SetError(res, part.status(), req.request_id);
  if (part->size != want)
    return SetError(res, 400, "",
                    "part " + std::to_string(n) + " ended after " + std::to_string(part->size) +
                        " of " + std::to_string(want) + " bytes",
                    req.request_id);
  res.headers["ETag"] = part->etag;
  res.Json(200, {{"number", n}, {"size", part->size}, {"etag", part->etag}});
}

void CompleteUpload(const ServiceContext& d, Request& req, Response& res) {
  const Principal& p = *req.principal;
  auto u = FindUpload(d.db, req.params["id"], p.tenant_id);
  if (!u.ok()) return SetError(res, u.status(), req.request_id);
  if (u->state == "completed") {
    nlohmann::json j = UploadJson(*u);
    return res.Json(200, j);  // completing twice is harmless
  }
  if (u->state != "open")
    return SetError(res, 409, "", "upload " + u->id + " is " + u->state, req.request_id);
  auto body = ReadJsonBody(req);
  std::vector<UploadedPart> parts;
  if (body.ok() && body->is_object() && body->contains("parts")) {
    const auto& list = (*body)["parts"];
    if (!list.is_array())
      return SetError(res, 400, "", "parts must be [{\"number\": n, \"etag\": \"…\"}]",
                      req.request_id);
    for (const auto& e : list) {
      if (!e.is_object() || !e.contains("number") || !e["number"].is_number_integer() ||
          !e.contains("etag") || !e["etag"].is_string())
        return SetError(res, 400, "", "parts must be [{\"number\": n, \"etag\": \"…\"}]",
                        req.request_id);
      parts.push_back({e["number"].get<int>(), 0, e["etag"].get<std::string>()});
    }
    std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return a.number < b.number; });
  } else {
    auto listed = d.store.ListParts(u->storage_key, u->store_upload_id);
    if (!listed.ok())
      return SetError(res, listed.status().kind() == ErrorKind::kBadInput ? 400 : 503, "",
                      listed.status().message() + ": send {\"parts\": [{\"number\", \"etag\"}]}",
                      req.request_id);
    parts = *listed;
  }
  std::vector<int> missing;
  for (int n = 1; n <= u->parts_total(); ++n)
    if (std::none_of(parts.begin(), parts.end(), [&](auto& q) { return q.number == n; }))
      missing.push_back(n);
  if (!missing.empty() || static_cast<int>(parts.size()) != u->parts_total()) {
    std::string list;
    for (int n : missing) list += (list.empty() ? "" : ", ") + std::to_string(n);
    res.Json(409, {{"error",
                    {{"code", "parts_missing"},
                     {"message", missing.empty() ? "parts beyond the declared size"
                                                 : "parts missing: " + list},
                     {"request_id", req.request_id}}},
                   {"missing", missing}});
    return;
  }
  auto info = d.store.CompleteUpload(u->storage_key, u->store_upload_id, parts);
  if (!info.ok()) return SetError(res, info.status(), req.request_id);
  auto reject = [&](int code, const std::string& why, const std::string& error_code = "") {
    (void)d.store.Delete(u->storage_key);
    (void)MarkUploadAborted(d.db, u->id);
    SetError(res, code, error_code, why, req.request_id);
  };
  if (info->size != u->size)
    return reject(400, "the parts add up to " + std::to_string(info->size) +
                           " bytes, not the declared " + std::to_string(u->size));
  std::ostringstream head;
  if (Status s = d.store.Get(u->storage_key, 0, static_cast<int64_t>(kSniffBytes), head); !s.ok())
    return SetError(res, s, req.request_id);
  auto format = SniffMediaFormat(head.str());
  if (!format.ok()) return reject(HttpStatusFor(format.status().kind()), format.status().message());
  // Too long to transcribe: refused now, while no task has been made of it.
  auto probed =
      CheckRecordingDuration(d.store, u->storage_key, info->size, d.config.limits.max_duration_s);
  if (!probed.ok() && probed.status().kind() == ErrorKind::kFailedPrecondition)
    return reject(422, probed.status().message(), "recording_too_long");
  if (!probed.ok()) return SetError(res, probed.status(), req.request_id);
  std::optional<double> duration;
  if (*probed > 0) duration = *probed;
  auto oid = u->storage_key.substr(u->storage_key.rfind('/') + 1);
  std::string now = NowIso();
  Quotas quotas(d.db, d.config.limits);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  Status s = d.db.Transaction([&](Database& tx) -> Status {
    if (Status e = InsertObject(tx, {oid, p.tenant_id, u->storage_key, u->filename, u->content_type,
                                     info->size, info->sha256, *format, now, duration});
        !e.ok())
      return e;
    if (Status e = MarkUploadCompleted(tx, u->id, oid); !e.ok()) return e;
    // Stored: its bytes count for its user's hour from now, no longer as in progress.
    return quotas.CountCompletedUpload(tx, u->id, info->size, now_ms);
  });
  if (!s.ok()) return SetError(res, s, req.request_id);
  Audit(d.db, req, "upload.complete", u->id);
  u->state = "completed";
  u->object_id = oid;
  nlohmann::json j = UploadJson(*u);
  j["object"] = {{"id", oid}, {"size", info->size}, {"sha256", info->sha256}, {"format", *format}};
  res.Json(200, j);
}

void AbortUpload(const ServiceContext& d, Request& req, Response& res) {
  auto u = FindUpload(d.db, req.params["id"], req.principal->tenant_id);
  if (!u.ok()) return SetError(res, u.status(), req.request_id);
  if (u->state != "open")
    return SetError(res, 409, "", "upload " + u->id + " is " + u->state + ", not open",
                    req.request_id);
  if (Status s = d.store.AbortUpload(u->storage_key, u->store_upload_id); !s.ok())
    return SetError(res, s, req.request_id);
  if (Status s = MarkUploadAborted(d.db, u->id); !s.ok()) return SetError(res, s, req.request_id);
  Audit(d.db, req, "upload.abort", u->id);
  res.status = 204;
  res.content_type.clear();
  res.body.clear();
}

}  // namespace

void AddUploadRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("POST", "/api/v1/uploads", true,
        Contract("createUpload", "uploads",
                 "Start a direct upload of a big recording: part URLs to PUT the parts to "
                 "(presigned object-store URLs, or this API's token URLs on local storage)")
            .JsonBody(schema::Ref("NewUpload"))
            .Returns(201, "the upload with every part's URL", schema::Ref("Upload"))
            .Header(201, "Location", "/api/v1/uploads/{id}")
            .Returns(400, "a bad filename or size")
            .Returns(413,
                     "larger than server.max_upload_mb, or past the tenant's storage quota "
                     "(storage_quota_exceeded)")
            .Returns(415, "content_type is not audio/* or video/*")
            .Returns(429,
                     "limits.user_uploads_per_minute reached (upload_rate_limit), or the size "
                     "would take the bytes the user uploaded in the last hour past "
                     "limits.user_upload_mb_per_hour (upload_bytes_rate_limit)")
            .Header(429, "Retry-After", "seconds; none when the size alone is over the limit",
                    schema::Int()),
        [d](Request& req, Response& res) { CreateUpload(*d, req, res); });
  r.Add("GET", "/api/v1/uploads", true,
        Contract("listUploads", "uploads", "The caller's direct uploads, newest first (100)")
            .Query("state", schema::Enum({"open", "completed", "aborted", "expired"}),
                   "only uploads in this state")
            .Returns(200, "the uploads", schema::Ref("UploadList"))
            .Returns(400, "a bad state"),
        [d](Request& req, Response& res) { ListUploads(*d, req, res); });
  r.Add("GET", "/api/v1/uploads/{id}", true,
        Contract("getUpload", "uploads",
                 "An upload: the parts received so far, and fresh URLs for the missing ones "
                 "(resume); URLs handed out before stay valid until their own expiry")
            .Returns(200, "the upload", schema::Ref("Upload"))
            .Returns(404, "no such upload of the caller's"),
        [d](Request& req, Response& res) { ShowUpload(*d, req, res); });
  // Authorized by the signed token in the URL (like a presigned URL), not by a login.
  r.Add("PUT", "/api/v1/uploads/{id}/parts/{n}", false,
        Contract("putUploadPart", "uploads",
                 "One part, exactly its size (local storage; authorized by the URL's token, "
                 "which signs the upload, the part number and the expiry)")
            .PathParam("n", schema::Int("from 1"), "the part number")
            .Query("expires", schema::Int("Unix seconds"), "from the part URL", true)
            .Query("token", schema::Str(), "from the part URL", true)
            .Body("application/octet-stream", schema::Binary("the part's bytes"))
            .Returns(200, "stored", schema::Ref("ReceivedPart"))
            .Returns(400, "the wrong size, a bad part number, or a truncated body")
            .Returns(403, "a wrong or expired token")
            .Returns(404, "no such upload")
            .Returns(409, "the upload is not open any more")
            .Returns(413, "larger than the part"),
        [d](Request& req, Response& res) { PutPart(*d, req, res); });
  r.Add("POST", "/api/v1/uploads/{id}/complete", true,
        Contract("completeUpload", "uploads",
                 "Join the parts into the recording and check its size and content (SHA-256 "
                 "computed); then POST /api/v1/tasks {\"upload_id\"} makes a task of it")
            .JsonBody(schema::Ref("UploadCompletion"))
            .Returns(200, "completed (again: the same answer)", schema::Ref("Upload"))
            .Returns(400, "bad parts")
            .Returns(404, "no such upload of the caller's")
            .Returns(409, "parts are missing (listed), or the upload is not open",
                     schema::Ref("PartsMissing"))
            .Returns(415, "not an audio or video file")
            .Returns(422, "longer than limits.max_duration_s (recording_too_long; dropped)"),
        [d](Request& req, Response& res) { CompleteUpload(*d, req, res); });
  r.Add("DELETE", "/api/v1/uploads/{id}", true,
        Contract("abortUpload", "uploads", "Abandon an upload and drop its parts")
            .Returns(204, "aborted")
            .Returns(404, "no such upload of the caller's")
            .Returns(409, "the upload is completed"),
        [d](Request& req, Response& res) { AbortUpload(*d, req, res); });
}

}  // namespace minutes
