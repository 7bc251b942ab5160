#include "api/openapi.hpp"

#include <map>
#include <sstream>

#include "api/schemas.hpp"

namespace minutes {
namespace {

using nlohmann::json;

// How one operation is described. Query parameters as "name: description".
struct Op {
  std::string tag, summary;
  std::vector<std::string> query;
  std::string body;  ///< "", "json:<what>", "multipart", "raw"
  std::map<int, std::string> responses;
  std::string produces = "application/json";
  /// The path a 201's Location header gives, e.g. "/api/v1/uploads/{id}" ("" = none; spelt
  /// out so that entries leaving it off are not warned about).
  std::string location = "";
};

const std::map<std::string, Op>& Table() {
  static const std::map<std::string, Op> kOps = {
      {"POST /api/v1/auth/login",
       {"auth",
        "Exchange username and password for an access token",
        {},
        "json:{\"username\", \"password\"}",
        {{200, "{access_token, token_type: bearer, expires_in}"},
         {401, "wrong credentials"},
         {429, "too many failed sign-ins for the username or from the address (Retry-After)"},
         {503, "too many password checks at once (Retry-After)"}}}},
      {"GET /api/v1/me", {"auth", "Who the token speaks for", {}, "", {{200, "the caller"}}}},
      {"PUT /api/v1/me/password",
       {"auth",
        "Change your own password; every earlier token and API key of yours stops working, and "
        "a fresh token comes back",
        {},
        "json:{\"current_password\", \"new_password\"}",
        {{200, "{access_token, token_type: bearer, expires_in}"},
         {403, "the current password is wrong"},
         {422, "the new password breaks the policy (length, common, equal to the username)"},
         {429, "too many failed attempts (Retry-After)"}}}},
      {"POST /api/v1/tasks",
       {"tasks",
        "Upload a recording (multipart part `file` plus fields, or the raw body with an audio/* "
        "or video/* Content-Type and fields as query parameters), or JSON {upload_id, fields} "
        "of a completed direct upload, and queue it",
        {"title: meeting title", "template: minutes template name", "hotword_set: hotword set id",
         "speakers: 0 (find out) to 20", "language: spoken language",
         "engine: a configured speech engine name (auto)"},
        "multipart",
        {{201, "{id, state: queued}"},
         {400, "bad field, empty or truncated upload"},
         {413,
          "larger than server.max_upload_mb, or past the tenant's storage quota (code "
          "storage_quota_exceeded; limits.tenant_storage_mb)"},
         {415, "not an audio or video file"},
         {422, "longer than limits.max_duration_s (code recording_too_long; nothing is kept)"},
         {429,
          "the tenant has limits.tenant_queued_tasks tasks queued (queued_tasks_limit), or "
          "the user started limits.user_uploads_per_minute uploads in the last minute "
          "(upload_rate_limit), or the recording would take the bytes the user uploaded in the "
          "last hour past limits.user_upload_mb_per_hour (upload_bytes_rate_limit; a chunked "
          "body is cut as it passes it, nothing kept); Retry-After (none when the recording "
          "alone is more than the hourly limit)"}}}},
      {"POST /api/v1/uploads",
       {"uploads",
        "Start a direct upload of a big recording: part URLs to PUT the parts to (presigned "
        "object-store URLs, or this API's token URLs on local storage), 8-64 MiB each",
        {},
        "json:{\"filename\", \"size\", \"content_type\"}",
        {{201, "{id, part_size, parts_total, parts: [{number, size, method, url}], expires_at}"},
         {413,
          "larger than server.max_upload_mb, or past the tenant's storage quota "
          "(storage_quota_exceeded)"},
         {415, "not audio/* or video/*"},
         {429,
          "limits.user_uploads_per_minute reached (upload_rate_limit), or the declared size "
          "would take the bytes the user uploaded in the last hour, uploads in progress "
          "included, past limits.user_upload_mb_per_hour (upload_bytes_rate_limit); "
          "Retry-After (none when the size alone is more than the hourly limit)"}},
        "application/json",
        "/api/v1/uploads/{id}"}},
      {"GET /api/v1/uploads",
       {"uploads",
        "The caller's direct uploads, newest first (the last 100)",
        {"state: open|completed|aborted|expired"},
        "",
        {{200, "{items}"}}}},
      {"GET /api/v1/uploads/{id}",
       {"uploads",
        "An upload: the parts received so far, the missing ones with fresh URLs (resume); "
        "URLs handed out before stay valid until their own expiry",
        {},
        "",
        {{200, "{state, parts_received, missing, parts}"}}}},
      {"PUT /api/v1/uploads/{id}/parts/{n}",
       {"uploads",
        "One part, exactly its size (local storage; authorized by the URL's token, which signs "
        "the upload, the part number and the expiry)",
        {"expires: from the part URL (Unix seconds)", "token: from the part URL"},
        "",
        {{200, "{number, size, etag}"}, {400, "wrong size"}, {403, "wrong or expired token"}}}},
      {"POST /api/v1/uploads/{id}/complete",
       {"uploads",
        "Join the parts into the recording, verify its size and content (SHA-256 computed); "
        "then POST /api/v1/tasks {\"upload_id\"} makes a task of it",
        {},
        "json:{\"parts\"?: [{\"number\", \"etag\"}]}",
        {{200, "{state: completed, object: {id, size, sha256, format}}"},
         {409, "{missing: [part numbers]}"},
         {415, "not an audio or video file"},
         {422, "longer than limits.max_duration_s (recording_too_long; the upload is dropped)"}}}},
      {"DELETE /api/v1/uploads/{id}",
       {"uploads", "Abandon an upload and drop its parts", {}, "", {{204, "aborted"}}}},
      {"GET /api/v1/tasks",
       {"tasks",
        "List tasks, newest first",
        {"page: from 1", "page_size: 1 to 100 (20)",
         "state: queued|processing|succeeded|failed|canceled",
         "q: search in titles and what was said"},
        "",
        {{200, "{items, page, page_size, total}"}}}},
      {"GET /api/v1/tasks/{id}",
       {"tasks",
        "A task: state, stage, progress, error, recording facts",
        {},
        "",
        {{200, "the task"}}}},
      {"DELETE /api/v1/tasks/{id}",
       {"tasks",
        "Cancel a queued/processing task, or delete a finished one with its recording",
        {},
        "",
        {{202, "canceled"}, {204, "deleted"}}}},
      {"GET /api/v1/tasks/{id}/events",
       {"tasks",
        "Server-Sent Events: `progress` on every change, then `done`",
        {},
        "",
        {{200, "an event stream"}},
        "text/event-stream"}},
      {"GET /api/v1/tasks/{id}/audio",
       {"tasks",
        "The recording; supports Range requests, or redirects to the object store",
        {"redirect: true = 302 to a presigned URL (S3 storage)"},
        "",
        {{200, "the whole file"}, {206, "the requested range"}, {416, "range not satisfiable"}},
        "application/octet-stream"}},
      {"POST /api/v1/tasks/{id}/ask",
       {"results",
        "Ask about the meeting: an answer grounded in the transcript with the segments it rests "
        "on (a configured language model, else the best-matching segments)",
        {},
        "json:{\"question\"}",
        {{200,
          "{question, answer, citations: [{segment, start, end, speaker, speaker_name, "
          "text}], generator, repairs: [{path, action, reason?, from?, to?}] (what was "
          "repaired in the model's answer, e.g. citations of segments that do not exist left "
          "out; empty when nothing was)}"},
         {409, "no transcript yet"}}}},
      {"GET /api/v1/tasks/{id}/transcript",
       {"results",
        "The transcript with speaker names",
        {"format: json|txt|srt|vtt|rttm"},
        "",
        {{200, "the transcript"}}}},
      {"PUT /api/v1/tasks/{id}/speakers",
       {"results",
        "Name speakers; names show at once in transcript, minutes and exports",
        {},
        "json:{\"S1\": \"Alice\", …} (an empty name removes it)",
        {{200, "{updated}"}}}},
      {"GET /api/v1/tasks/{id}/minutes",
       {"results",
        "One minutes version, rendered with the template it was made with",
        {"format: md|json|docx", "version: N (latest)"},
        "",
        {{200,
          "the minutes (json: minutes.json with version, template, template_version, generator "
          "and repairs: [{path, action, reason?, from?, to?}], what was repaired in the model's "
          "answer — empty when nothing was)"},
         {422, "the template cannot render them within the limits"}},
        "text/markdown"}},
      {"GET /api/v1/tasks/{id}/minutes/versions",
       {"results",
        "Every minutes version: template, generator, created_at, repairs (what was repaired "
        "in the model's answer: [{path, action, reason?, from?, to?}], empty when nothing was)",
        {},
        "",
        {{200, "{items}"}}}},
      {"POST /api/v1/tasks/{id}/minutes",
       {"results",
        "Regenerate the minutes with a template as a new version (queued)",
        {},
        "json:{\"template\"}",
        {{202, "{task_id, version, template, state: queued}"}, {409, "no transcript yet"}}}},
      {"PATCH /api/v1/tasks/{id}/segments/{segment}",
       {"results",
        "Fix a line's text (its words are spread again over the line's time)",
        {},
        "json:{\"text\"}",
        {{200, "the segment"}, {404, "no such segment"}}}},
      {"PUT /api/v1/tasks/{id}/minutes",
       {"results",
        "Edited minutes as a new version: any of title, summary, decisions, action_items, "
        "topics over the latest version",
        {},
        "json:{\"title\"?, \"summary\"?, \"decisions\"?, \"action_items\"?, \"topics\"?}",
        {{201, "{version}"}, {400, "not valid minutes"}},
        "application/json",
        "/api/v1/tasks/{id}/minutes?version=N"}},
      {"GET /api/v1/templates",
       {"templates",
        "Built-in and the tenant's templates, with owner and whether the caller may edit",
        {},
        "",
        {{200, "{items}"}}}},
      {"GET /api/v1/templates/{name}",
       {"templates",
        "A template's text (latest or ?version=N) and its versions",
        {"version: N"},
        "",
        {{200, "the template"}}}},
      {"PUT /api/v1/templates/{name}",
       {"templates",
        "Write the next version of a tenant template (Mustache, validated and bounded); "
        "admins: the tenant's and built-in names, members: their own",
        {},
        "json:{\"body\"}",
        {{200, "a new version"},
         {201, "version 1"},
         {400, "invalid template (line and reason)"},
         {403, "not the caller's to change"},
         {413, "template too large"}},
        "application/json",
        "/api/v1/templates/{name}"}},
      {"DELETE /api/v1/templates/{name}",
       {"templates",
        "Delete a tenant template, all versions (admins; members their own)",
        {},
        "",
        {{204, "deleted"}, {403, "not the caller's to delete"}}}},
      {"GET /api/v1/users", {"admin", "The tenant's users (admins)", {}, "", {{200, "{items}"}}}},
      {"POST /api/v1/users",
       {"admin",
        "Add a user to the tenant (admins)",
        {},
        "json:{\"username\", \"password\", \"role\": admin|member}",
        {{201, "the user"},
         {409, "username not available (in use in this or another tenant; never says which)"},
         {422, "the password breaks the policy"}},
        "application/json",
        "/api/v1/users/{id}"}},
      {"GET /api/v1/users/{id}",
       {"admin", "A user of the tenant (admins)", {}, "", {{200, "the user"}}}},
      {"PATCH /api/v1/users/{id}",
       {"admin",
        "Disable/enable, change role or password (admins)",
        {},
        "json:{\"disabled\"?, \"role\"?, \"password\"?}",
        {{200, "the user (any change revokes the user's earlier tokens and API keys)"},
         {422, "the password breaks the policy"}}}},
      {"GET /api/v1/audit-logs",
       {"admin",
        "Who did what, newest first (admins)",
        {"from: YYYY-MM-DD", "to: YYYY-MM-DD", "action: e.g. task.create", "user_id: id",
         "request_id: id", "page: from 1", "page_size: 1 to 500 (50)"},
        "",
        {{200, "{items, page, page_size, total}"}}}},
      {"GET /api/v1/usage",
       {"admin",
        "Audio seconds, tokens and cost by user or day, and the tenant against its limits: "
        "storage used and quota, queued tasks and their limit, the longest recording, your "
        "uploads per minute and bytes uploaded per hour (admins)",
        {"from: YYYY-MM-DD", "to: YYYY-MM-DD", "group_by: user|day"},
        "",
        {{200,
          "{group_by, items, totals, limits: {storage: {used_bytes, quota_bytes}, queued_tasks: "
          "{count, limit}, max_duration_s, uploads_per_minute: {yours_last_minute, limit}, "
          "upload_bytes_per_hour: {yours_last_hour_bytes, yours_in_progress_bytes, "
          "limit_bytes}}}"}}}},
      {"GET /api/v1/tenant",
       {"admin",
        "The tenant, its speech engine and language model provider, and what may be chosen",
        {},
        "",
        {{200, "{id, name, asr_engine, llm_provider, asr_engines, llm_providers}"}}}},
      {"PATCH /api/v1/tenant",
       {"admin",
        "Choose the tenant's speech engine / language model provider among the configured ones "
        "(admins)",
        {},
        "json:{\"asr_engine\"?, \"llm_provider\"?}",
        {{200, "the tenant"}, {400, "not configured here"}, {403, "not an admin"}}}},
      {"GET /api/v1/webhooks",
       {"admin", "The tenant's webhooks (admins)", {}, "", {{200, "{items}"}}}},
      {"POST /api/v1/webhooks",
       {"admin",
        "Add a webhook: HMAC-SHA256 signed POSTs (X-Minutes-Signature over "
        "timestamp.body) on task.succeeded / task.failed, retried with backoff. The URL must "
        "reach only public addresses and carry no user:password@",
        {},
        "json:{\"url\", \"events\"?, \"secret\"?}",
        {{201, "the webhook with its secret (shown once)"},
         {400, "not an http:// or https:// URL"},
         {422,
          "the URL points to a loopback, private, metadata or other internal address, has "
          "user:password@, or the tenant has webhooks.max_per_tenant webhooks"}},
        "application/json",
        "/api/v1/webhooks/{id}"}},
      {"GET /api/v1/webhooks/{id}",
       {"admin", "A webhook, without its secret (admins)", {}, "", {{200, "the webhook"}}}},
      {"DELETE /api/v1/webhooks/{id}",
       {"admin", "Delete a webhook (admins)", {}, "", {{204, "deleted"}}}},
      {"GET /", {"web", "The web app", {}, "", {{200, "HTML"}}, "text/html"}},
      {"GET /app/{file}",
       {"web",
        "The web app's files (index.html, app.js, app.css)",
        {},
        "",
        {{200, "a file"}},
        "application/octet-stream"}},
      {"GET /openapi.json", {"docs", "This document", {}, "", {{200, "OpenAPI 3"}}}},
      {"GET /docs", {"docs", "Swagger UI", {}, "", {{200, "HTML"}}, "text/html"}},
      {"GET /redoc", {"docs", "ReDoc", {}, "", {{200, "HTML"}}, "text/html"}},
      {"GET /docs/assets/{file}",
       {"docs",
        "Swagger UI's files (from the npm package)",
        {},
        "",
        {{200, "a file"}},
        "application/octet-stream"}},
      {"GET /redoc/assets/{file}",
       {"docs",
        "ReDoc's files (from the npm package)",
        {},
        "",
        {{200, "a file"}},
        "application/octet-stream"}},
  };
  return kOps;
}

json Operation(const std::string& path, const Op& op, bool auth) {
  json o = {{"tags", {op.tag}}, {"summary", op.summary}, {"parameters", json::array()}};
  std::stringstream ss(path);
  for (std::string seg; std::getline(ss, seg, '/');)
    if (seg.size() > 2 && seg.front() == '{')
      o["parameters"].push_back({{"name", seg.substr(1, seg.size() - 2)},
                                 {"in", "path"},
                                 {"required", true},
                                 {"schema", {{"type", "string"}}}});
  for (const auto& q : op.query) {
    size_t colon = q.find(':');
    o["parameters"].push_back({{"name", q.substr(0, colon)},
                               {"in", "query"},
                               {"required", false},
                               {"description", q.substr(colon + 2)},
                               {"schema", {{"type", "string"}}}});
  }
  if (op.body.rfind("json:", 0) == 0) {
    o["requestBody"] = {{"required", true},
                        {"description", op.body.substr(5)},
                        {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
  } else if (op.body == "multipart") {
    json fields = {{"file", {{"type", "string"}, {"format", "binary"}}}};
    for (const auto& q : op.query) fields[q.substr(0, q.find(':'))] = {{"type", "string"}};
    o["requestBody"] = {
        {"required", true},
        {"content",
         {{"multipart/form-data",
           {{"schema", {{"type", "object"}, {"required", {"file"}}, {"properties", fields}}}}},
          {"audio/*", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
          {"video/*", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  }
  json responses = json::object();
  for (const auto& [code, what] : op.responses) {
    json r = {{"description", what}};
    if (code != 204)
      r["content"] = {{code < 300 ? op.produces : "application/json",
                       {{"schema", code < 300 ? json{{"type", "string"}}
                                              : json{{"$ref", "#/components/schemas/Error"}}}}}};
    if (code < 300 && op.produces == "application/json")
      r["content"]["application/json"]["schema"] = {{"type", "object"}};
    if (code == 201 && !op.location.empty())
      r["headers"]["Location"] = {{"description", "the new resource: " + op.location},
                                  {"schema", {{"type", "string"}}}};
    responses[std::to_string(code)] = r;
  }
  json error = {
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  for (auto [code, what] : {std::pair{"400", "bad input"}, std::pair{"404", "not found"}}) {
    if (!responses.contains(code)) responses[code] = error, responses[code]["description"] = what;
  }
  if (auth) {
    o["security"] = {{{"bearer", json::array()}}, {{"gateway", json::array()}}};
    json unauthorized = error;
    unauthorized["description"] = "not authenticated";
    responses["401"] = unauthorized;
  }
  o["responses"] = responses;
  return o;
}

// A route's declared contract, completed with what every route shares: its path parameters
// (strings unless declared), who may call it, and the 401 of authenticated routes.
json Declared(const Router::Info& r) {
  json o = r.contract;
  std::stringstream ss(r.pattern);
  for (std::string seg; std::getline(ss, seg, '/');) {
    if (seg.size() <= 2 || seg.front() != '{') continue;
    std::string name = seg.substr(1, seg.size() - 2);
    bool declared = false;
    for (const auto& p : o["parameters"])
      declared = declared || (p["in"] == "path" && p["name"] == name);
    if (!declared)
      o["parameters"].push_back(
          {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  if (o["parameters"].empty()) o.erase("parameters");
  if (r.auth) {
    o["security"] = {{{"bearer", json::array()}}, {{"gateway", json::array()}}};
    if (!o["responses"].contains("401"))
      o["responses"]["401"] = {
          {"description", "not authenticated"},
          {"content", {{"application/json", {{"schema", schema::Ref("Error")}}}}}};
  } else {
    o["security"] = json::array();  // public: no credentials
  }
  return o;
}

}  // namespace

json OpenApiDocument(const Router& router) {
  json paths = json::object();
  json undocumented = json::array();
  for (const auto& r : router.Routes()) {
    std::string lower = r.method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!r.contract.is_null()) {
      paths[r.pattern][lower] = Declared(r);
      continue;
    }
    auto it = Table().find(r.method + " " + r.pattern);
    if (it == Table().end()) {
      undocumented.push_back(r.method + " " + r.pattern);
      continue;
    }
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = Operation(r.pattern, it->second, r.auth);
  }
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "Minutes API"},
                {"version", "1"},
                {"description",
                 "Meeting recordings to transcripts with speakers and minutes. Errors are "
                 "{\"error\": {\"code\", \"message\", \"request_id\"}}; every response carries "
                 "X-Request-ID."}}},
              {"servers", {{{"url", "/"}, {"description", "this server"}}}},
              {"paths", paths},
              {"components",
               {{"schemas", schema::Components()},
                {"securitySchemes",
                 {{"bearer",
                   {{"type", "http"},
                    {"scheme", "bearer"},
                    {"description", "A login token (JWT) or an API key (mk_…)"}}},
                  {"gateway",
                   {{"type", "apiKey"},
                    {"in", "header"},
                    {"name", "X-User-ID"},
                    {"description",
                     "Gateway mode: X-User-ID + X-Tenant-ID (+ X-User-Role) from a trusted proxy "
                     "or with X-Gateway-Secret"}}}}}}}};
  if (!undocumented.empty()) doc["x-undocumented"] = undocumented;
  return doc;
}

}  // namespace minutes
