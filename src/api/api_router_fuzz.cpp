// libFuzzer target for the API as a whole: each input is one HTTP request, run through the
// Router and DispatchRequest that `minutes serve` and `minutes lambda` use (no sockets), on a
// real in-process service — every route of RegisterRoutes, SQLite (in memory), file storage in
// a temporary directory, the table queue (nothing runs its jobs), login tokens and API keys.
// Two tenants (acme, globex), each with an admin and a member, a finished task with a
// transcript and minutes, a queued task, templates, hotword sets, webhooks and uploads, so the
// routes that look things up find something.
//
// Checked for every answer: nothing crashes, leaks or is undefined; the status is 200..599; no
// 5xx but 503 and 507 (bad input must be a 4xx); an error is {"error": {"code", "message"}};
// a streamed body is as long as it says; and nothing a caller of one tenant is answered names
// the other tenant ("acme" and "globex" are in every id, name and key of theirs) unless the
// request did. After a change that succeeded, what it made or changed is read back (its
// Location, the same path, its collection, a task's transcript, minutes and events) and those
// answers are checked too: stored input that later breaks a read is found here.
//
// The state is the fixture again before every input: a request that changed rows (SQLite's
// total_changes()) has the tables copied back from a snapshot, one that changed files has the
// storage directory rewritten — so runs stay bounded and every finding reproduces alone.
// Host names resolve only from a table here (getaddrinfo below): webhook URLs never reach DNS.
//
// An input (the seeds in tests/fuzz/api_router_fuzz come from kSeeds below:
// API_ROUTER_FUZZ_SEEDS=DIR build-fuzz/api_router_fuzz writes them to DIR and exits;
// API_ROUTER_FUZZ_VERBOSE=1 prints every request and its answer):
//   byte 0  the route: an index into Router::Routes(), in registration order
//   byte 1  the method: the route's own below 0xe0, else kMethods[byte % 8]
//   byte 2  low 3 bits, who calls (kUsers, then bob's API key, nobody, "Bearer <free text>",
//           gateway headers from a peer that is not trusted); the rest, kContentTypes[rest % 8]
//   byte 3  two bits per path parameter, in order: the caller's tenant's thing, its second
//           one, the other tenant's, or the free text
//   then    free text '\n' query string '\n' body (a free text starting with "bytes=" is also
//           the Range header)
// Build: scripts/fuzz.sh (the api room's sources instrumented with clang as one translation
// unit, linked against the other rooms' static libraries of the release build in build/).
#include <dlfcn.h>
#include <netdb.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "api/authenticator.hpp"
#include "api/dispatch.hpp"
#include "api/task_events.hpp"
#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "crypto/hmac.hpp"
#include "db/migrator.hpp"
#include "export/minutes_json.hpp"
#include "http/request_target.hpp"
#include "log/log.hpp"
#include "minutes/tenant_templates.hpp"
#include "queue/job_queue.hpp"
#include "storage/object_store.hpp"
#include "store/minutes_versions.hpp"

// The system resolver, for names in a table only: POST /api/v1/webhooks resolves its URL's host,
// and a fuzz run must not wait on DNS. Everything else is a literal or "does not resolve".
// (ASan's own interceptor of getaddrinfo is a weak alias; this definition wins.)
extern "C" int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                           struct addrinfo** res) {
  using Real = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
  static Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "getaddrinfo"));
  if (real == nullptr) return EAI_FAIL;
  struct addrinfo numeric = hints ? *hints : addrinfo{};
  numeric.ai_flags |= AI_NUMERICHOST;
  const char* address = node;
  if (node && std::strcmp(node, "hooks.example.com") == 0) address = "93.184.216.34";
  if (node && std::strcmp(node, "intranet.example.com") == 0) address = "10.1.2.3";
  return real(address, service, &numeric, res);
}

namespace minutes {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "api_router_fuzz: %s\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) Fail(std::string("fixture: ") + what, s.message());
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Fail(std::string("fixture: ") + what, r.status().message());
  return std::move(*r);
}

constexpr const char* kPassword = "correct-battery-42";
constexpr const char* kPartUrlKey =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr const char* kUploadsExpire = "2099-01-01T00:00:00Z";
const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"};
const char* const kContentTypes[] = {"application/json",
                                     "multipart/form-data; boundary=XyZ",
                                     "audio/wav",
                                     "",
                                     "application/json; charset=utf-8",
                                     "text/plain",
                                     "application/octet-stream",
                                     "multipart/form-data"};

struct User {
  const char* id;
  const char* username;
  const char* tenant_id;
  const char* role;
};
// Callers 0-3 (login tokens); 4 is bob's API key; 5 nobody; 6 "Bearer <free text>"; 7 gateway
// headers (X-User-ID, X-Tenant-ID) from a peer that is not trusted.
const User kUsers[] = {{"user-acme-alice", "alice.acme", "tenant-acme", "admin"},
                       {"user-acme-bob", "bob.acme", "tenant-acme", "member"},
                       {"user-globex-carol", "carol.globex", "tenant-globex", "admin"},
                       {"user-globex-dave", "dave.globex", "tenant-globex", "member"}};
enum Who { kAlice, kBob, kCarol, kDave, kBobsKey, kNobody, kFreeTextToken, kGateway };

// What a path parameter becomes, by the pattern's prefix: acme's thing, acme's second one,
// globex's, globex's second one.
struct ParamChoices {
  const char* prefix;
  const char* param;
  std::array<const char*, 4> values;
};
const ParamChoices kParams[] = {
    {"/api/v1/tasks/", "id", {"task-acme-done", "task-acme-queued", "task-globex-done", "x"}},
    {"/api/v1/tasks/", "segment", {"seg-acme-1", "seg-acme-2", "seg-globex-1", "seg-0001"}},
    {"/api/v1/users/",
     "id",
     {"user-acme-bob", "user-acme-alice", "user-globex-dave", "user-globex-carol"}},
    {"/api/v1/templates/", "name", {"acme-notes", "bob-acme-notes", "globex-notes", "default"}},
    {"/api/v1/hotword-sets/", "id", {"hw-acme-1", "hw-acme-2", "hw-globex-1", "hw-globex-2"}},
    {"/api/v1/webhooks/", "id", {"wh-acme-1", "wh-acme-2", "wh-globex-1", "wh-globex-2"}},
    {"/api/v1/uploads/",
     "id",
     {"up-acme-open", "up-acme-done", "up-globex-open", "up-globex-done"}},
    {"/api/v1/uploads/", "n", {"1", "2", "1", "0"}},
    {"/docs/assets/", "file", {"swagger-ui.css", "redoc.standalone.js", "x.css", "x"}},
    {"/redoc/assets/", "file", {"redoc.standalone.js", "swagger-ui.css", "x.js", "x"}},
    {"/app/", "file", {"app.js", "app.css", "index.html", "x.js"}},
};

// A WAV of `seconds` of a quiet buzz, 16 kHz mono 16-bit.
std::string Wav(double seconds) {
  const uint32_t rate = 16000, n = static_cast<uint32_t>(seconds * rate);
  std::string out = "RIFF____WAVEfmt ";
  auto u32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); };
  u32(16), u16(1), u16(1), u32(rate), u32(rate * 2), u16(2), u16(16);
  out += "data";
  u32(n * 2);
  for (uint32_t i = 0; i < n; ++i) u16(static_cast<uint16_t>((i % 40 < 20) ? 300 : -300));
  uint32_t riff = static_cast<uint32_t>(out.size() - 8);
  std::memcpy(out.data() + 4, &riff, 4);
  return out;
}

// The fixture's open uploads are of this recording, in one part (uploaded already).
const std::string& PartWav() {
  static const std::string wav = Wav(0.002);
  return wav;
}

// The query of a valid part URL of up-acme-open (upload_routes.cpp PartUrlToken).
std::string PartUrlQuery(const std::string& part) {
  std::tm tm{};
  strptime(kUploadsExpire, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string expires = std::to_string(static_cast<int64_t>(timegm(&tm)));
  return "expires=" + expires + "&token=" +
         HmacSha256Hex(kPartUrlKey, "minutes-upload-part\nup-acme-open\n" + part + "\n" + expires);
}

// One request of a seed, before it is encoded as an input.
struct Seed {
  const char* name;
  const char* method;
  const char* pattern;
  int who;
  int content_type;  // index into kContentTypes
  uint8_t params;    // byte 3
  std::string free_text, query, body;
  uint8_t method_byte = 0;  // byte 1 (0: the route's own method)
};

std::string Multipart(const std::string& title, const std::string& file) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + title +
         "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"standup.wav\""
         "\r\nContent-Type: audio/wav\r\n\r\n" +
         file + "\r\n--XyZ--\r\n";
}

// One valid request (or a typical refusal) per route; "own" params (0) unless said.
std::vector<Seed> Seeds() {
  const std::string wav = Wav(0.01);
  return {
      {"health", "GET", "/health", kNobody, 3, 0, "", "", ""},
      {"health-ready", "GET", "/health/ready", kNobody, 3, 0, "", "", ""},
      {"metrics", "GET", "/metrics", kNobody, 3, 0, "", "", ""},
      {"login", "POST", "/api/v1/auth/login", kNobody, 0, 0, "", "",
       R"({"username":"bob.acme","password":"correct-battery-42"})"},
      {"login-wrong", "POST", "/api/v1/auth/login", kNobody, 0, 0, "", "",
       R"({"username":"bob.acme","password":"wrong"})"},
      {"me", "GET", "/api/v1/me", kBob, 3, 0, "", "", ""},
      {"me-api-key", "GET", "/api/v1/me", kBobsKey, 3, 0, "", "", ""},
      {"me-bad-token", "GET", "/api/v1/me", kFreeTextToken, 3, 0, "eyJhbGciOiJIUzI1NiJ9.e30.x", "",
       ""},
      {"me-gateway", "GET", "/api/v1/me", kGateway, 3, 0, "", "", ""},
      {"password", "PUT", "/api/v1/me/password", kBob, 0, 0, "", "",
       R"({"current_password":"correct-battery-42","new_password":"horse-staple-battery-9"})"},
      {"task-from-upload", "POST", "/api/v1/tasks", kBob, 0, 0, "", "",
       R"({"upload_id":"up-acme-done","title":"Planning","template":"acme-notes",)"
       R"("hotword_set":"hw-acme-1","speakers":2,"language":"en","engine":"auto"})"},
      {"task-raw", "POST", "/api/v1/tasks", kBob, 2, 0, "", "title=Standup&speakers=2", wav},
      {"task-multipart", "POST", "/api/v1/tasks", kAlice, 1, 0, "", "", Multipart("Retro", wav)},
      {"tasks", "GET", "/api/v1/tasks", kBob, 3, 0, "", "q=release&state=succeeded&page_size=5",
       ""},
      {"task", "GET", "/api/v1/tasks/{id}", kBob, 3, 0, "", "", ""},
      {"task-other-tenant", "GET", "/api/v1/tasks/{id}", kBob, 3, 2, "", "", ""},
      {"task-cancel", "DELETE", "/api/v1/tasks/{id}", kBob, 3, 1, "", "", ""},
      {"task-delete", "DELETE", "/api/v1/tasks/{id}", kAlice, 3, 0, "", "", ""},
      {"task-events", "GET", "/api/v1/tasks/{id}/events", kBob, 3, 0, "", "", ""},
      {"task-audio-range", "GET", "/api/v1/tasks/{id}/audio", kBob, 3, 0, "bytes=10-99", "", ""},
      {"transcript-srt", "GET", "/api/v1/tasks/{id}/transcript", kBob, 3, 0, "", "format=srt", ""},
      {"speakers", "PUT", "/api/v1/tasks/{id}/speakers", kBob, 0, 0, "", "",
       R"({"S1":"Ada","S2":""})"},
      {"minutes-md", "GET", "/api/v1/tasks/{id}/minutes", kBob, 3, 0, "", "", ""},
      {"minutes-docx", "GET", "/api/v1/tasks/{id}/minutes", kBob, 3, 0, "", "format=docx&version=1",
       ""},
      {"minutes-versions", "GET", "/api/v1/tasks/{id}/minutes/versions", kBob, 3, 0, "", "", ""},
      {"regenerate", "POST", "/api/v1/tasks/{id}/minutes", kBob, 0, 0, "", "",
       R"({"template":"acme-notes"})"},
      {"edit-minutes", "PUT", "/api/v1/tasks/{id}/minutes", kBob, 0, 0, "", "",
       R"({"summary":["Ships on Monday."],"action_items":[{"text":"book the room",)"
       R"("owner":"S1","due":null,"segment":"seg-acme-1"}]})"},
      {"edit-segment", "PATCH", "/api/v1/tasks/{id}/segments/{segment}", kBob, 0, 0, "", "",
       R"({"text":"we ship the release on monday"})"},
      {"ask", "POST", "/api/v1/tasks/{id}/ask", kBob, 0, 0, "", "",
       R"({"question":"When does the release ship?"})"},
      {"templates", "GET", "/api/v1/templates", kBob, 3, 0, "", "", ""},
      {"template", "GET", "/api/v1/templates/{name}", kBob, 3, 0, "", "version=1", ""},
      {"template-put", "PUT", "/api/v1/templates/{name}", kAlice, 0, 0, "", "",
       R"({"body":"# {{title}}\n{{#action_items}}- [ ] {{text}} ({{owner}})\n{{/action_items}}"})"},
      {"template-put-member", "PUT", "/api/v1/templates/{name}", kBob, 0, 3, "mine", "",
       R"({"body":"{{#summary}}{{.}}\n{{/summary}}"})"},
      {"template-delete", "DELETE", "/api/v1/templates/{name}", kBob, 3, 1, "", "", ""},
      {"hotwords", "GET", "/api/v1/hotword-sets", kBob, 3, 0, "", "", ""},
      {"hotwords-create", "POST", "/api/v1/hotword-sets", kBob, 0, 0, "", "",
       R"({"name":"Products","words":["Minutes",{"word":"Kubernetes","weight":3.5}]})"},
      {"hotword-set", "GET", "/api/v1/hotword-sets/{id}", kBob, 3, 0, "", "", ""},
      {"hotwords-put", "PUT", "/api/v1/hotword-sets/{id}", kBob, 0, 0, "", "",
       R"({"name":"Renamed","words":[{"word":"ggml","weight":null},"whisper"]})"},
      {"hotwords-delete", "DELETE", "/api/v1/hotword-sets/{id}", kBob, 3, 0, "", "", ""},
      {"users", "GET", "/api/v1/users", kAlice, 3, 0, "", "", ""},
      {"users-member", "GET", "/api/v1/users", kBob, 3, 0, "", "", ""},
      {"user", "GET", "/api/v1/users/{id}", kAlice, 3, 0, "", "", ""},
      {"user-create", "POST", "/api/v1/users", kAlice, 0, 0, "", "",
       R"({"username":"erin.acme","password":"long-enough-pass-7","role":"member"})"},
      {"user-patch", "PATCH", "/api/v1/users/{id}", kAlice, 0, 0, "", "",
       R"({"role":"admin","disabled":false,"password":"another-long-pass-8"})"},
      {"audit-logs", "GET", "/api/v1/audit-logs", kAlice, 3, 0, "",
       "from=2020-01-01&to=2099-12-31&action=provider.call&page_size=10", ""},
      {"usage", "GET", "/api/v1/usage", kAlice, 3, 0, "", "group_by=user&from=2020-01-01", ""},
      {"tenant", "GET", "/api/v1/tenant", kBob, 3, 0, "", "", ""},
      {"tenant-patch", "PATCH", "/api/v1/tenant", kAlice, 0, 0, "", "",
       R"({"asr_engine":"pocketsphinx","llm_provider":"auto"})"},
      {"webhooks", "GET", "/api/v1/webhooks", kAlice, 3, 0, "", "", ""},
      {"webhook", "GET", "/api/v1/webhooks/{id}", kAlice, 3, 0, "", "", ""},
      {"webhook-create", "POST", "/api/v1/webhooks", kAlice, 0, 0, "", "",
       R"({"url":"https://hooks.example.com/minutes","events":["task.succeeded"],)"
       R"("secret":"0123456789abcdef0123"})"},
      {"webhook-private", "POST", "/api/v1/webhooks", kAlice, 0, 0, "", "",
       R"({"url":"http://intranet.example.com:8080/in"})"},
      {"webhook-delete", "DELETE", "/api/v1/webhooks/{id}", kAlice, 3, 0, "", "", ""},
      {"upload-create", "POST", "/api/v1/uploads", kBob, 0, 0, "", "",
       R"({"filename":"all-hands.m4a","size":104857600,"content_type":"audio/mp4"})"},
      {"uploads", "GET", "/api/v1/uploads", kBob, 3, 0, "", "state=open", ""},
      {"upload", "GET", "/api/v1/uploads/{id}", kBob, 3, 0, "", "", ""},
      {"upload-part", "PUT", "/api/v1/uploads/{id}/parts/{n}", kNobody, 6, 0, "", PartUrlQuery("1"),
       PartWav()},
      {"upload-complete", "POST", "/api/v1/uploads/{id}/complete", kBob, 0, 0, "", "", "{}"},
      {"upload-complete-etags", "POST", "/api/v1/uploads/{id}/complete", kBob, 0, 0, "", "",
       R"({"parts":[{"number":1,"etag":"x"}]})"},
      {"upload-abort", "DELETE", "/api/v1/uploads/{id}", kBob, 3, 0, "", "", ""},
      {"openapi", "GET", "/openapi.json", kNobody, 3, 0, "", "", ""},
      {"docs", "GET", "/docs", kNobody, 3, 0, "", "", ""},
      {"docs-asset", "GET", "/docs/assets/{file}", kNobody, 3, 0, "", "", ""},
      {"web", "GET", "/", kNobody, 3, 0, "", "", ""},
      {"web-app", "GET", "/app/{file}", kNobody, 3, 0, "", "", ""},
      {"method-not-allowed", "GET", "/api/v1/tasks/{id}", kBob, 3, 0, "", "", "", 0xe4},
  };
}

// `text` split at the first '\n': what comes before, and the rest in `text`.
std::string Line(std::string& text) {
  size_t nl = text.find('\n');
  std::string line = text.substr(0, nl);
  text = nl == std::string::npos ? "" : text.substr(nl + 1);
  return line;
}

// The service and its fixture, made once per process.
class Service {
 public:
  Service() {
    ConfigureLog("error", "json");
    dir_ = std::filesystem::temp_directory_path() /
           ("minutes-api-router-fuzz-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.data_dir = dir_.string();
    config_.database = "sqlite://:memory:";
    config_.storage = "file://" + (dir_ / "objects").string();
    config_.queue = "database";
    config_.server.assets_dir = "web/node_modules";  // scripts/fuzz.sh runs in the repository
    config_.server.web_dir = "web/dist";
    config_.log.level = "error";
    db_ = Must(OpenDatabase(config_.database), "database");
    Must(Migrate(*db_).status(), "migrations");
    store_ = Must(OpenObjectStore(config_.storage), "storage");
    queue_ = Must(OpenJobQueue(config_.queue, *db_), "queue");
    jwt_ = std::make_unique<JwtIssuer>(
        Must(JwtIssuer::Make(std::string(48, 'k'), 30 * 86400), "token issuer"));
    AccountOptions options;
    options.hash = PasswordParams{1, 8, 1};  // argon2id at its cheapest: hashes are not tested
    accounts_ = std::make_unique<Accounts>(*db_, options);
    feed_ = std::make_unique<TaskEventFeed>(*db_, config_.server.max_streams_per_user);
    ctx_ = std::make_unique<ServiceContext>(
        ServiceContext{*db_, *accounts_, *jwt_, *store_, config_,
                       int64_t{config_.server.max_upload_mb} * 1024 * 1024, queue_.get(), nullptr,
                       8192, feed_.get()});
    RegisterRoutes(router_, *ctx_);
    routes_ = router_.Routes();
    Fill();
    Snapshot();
    NewAuthenticator();
  }

  const std::filesystem::path& dir() const { return dir_; }

  void Run(const uint8_t* data, size_t size);

  // Writes the seeds as inputs (named after them) to `out`.
  void WriteSeeds(const std::filesystem::path& out) const {
    std::filesystem::create_directories(out);
    for (const Seed& s : Seeds()) {
      size_t route = 0;
      while (route < routes_.size() &&
             (routes_[route].method != s.method || routes_[route].pattern != s.pattern))
        ++route;
      if (route == routes_.size()) Fail("a seed for a route that is not there", s.pattern);
      std::string input = {static_cast<char>(route), static_cast<char>(s.method_byte),
                           static_cast<char>(s.who | (s.content_type << 3)),
                           static_cast<char>(s.params)};
      input += s.free_text + "\n" + s.query + "\n" + s.body;
      std::ofstream(out / s.name, std::ios::binary) << input;
    }
  }

 private:
  // ---- the fixture ----

  void Exec(const std::string& sql, const std::vector<DbValue>& params = {}) {
    Must(db_->Exec(sql, params), sql.c_str());
  }

  void Object(const std::string& id, const std::string& tenant, const std::string& data) {
    std::string key = "tenants/" + tenant + "/recordings/" + id;
    std::istringstream in(data);
    ObjectInfo info = Must(store_->Put(key, in, 1 << 20), "object");
    Exec(
        "INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, sha256, "
        "format, created_at, duration) VALUES (?, ?, ?, ?, 'audio/wav', ?, ?, 'wav', ?, 0.5)",
        {id, tenant, key, id + ".wav", info.size, info.sha256, NowIso()});
  }

  void Task(const std::string& id, const std::string& tenant, const std::string& user,
            const std::string& object, const std::string& state) {
    Exec(
        "INSERT INTO tasks (id, tenant_id, user_id, title, object_id, state, template, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'default', ?, ?)",
        {id, tenant, user, "Weekly " + tenant, object, state, NowIso(), NowIso()});
  }

  // A transcript of three lines and minutes version 1 for `task`.
  void Results(const std::string& task, const std::string& tag) {
    Exec(
        "INSERT INTO transcripts (task_id, duration, language, engine, created_at) VALUES (?, "
        "0.5, 'en', 'pocketsphinx', ?)",
        {task, NowIso()});
    const char* lines[] = {"we ship the release on friday", "alex writes the notes by monday",
                           "we decided to keep the budget"};
    for (int i = 0; i < 3; ++i) {
      double start = i * 0.15, end = start + 0.15;
      nlohmann::json words = nlohmann::json::array();
      words.push_back({{"word", "we"}, {"start", start}, {"end", end}, {"confidence", 0.9}});
      Exec(
          "INSERT INTO segments (task_id, seq, id, speaker, start_s, end_s, text, words) VALUES "
          "(?, ?, ?, ?, ?, ?, ?, ?)",
          {task, int64_t{i}, "seg-" + tag + "-" + std::to_string(i + 1), i % 2 ? "S2" : "S1", start,
           end, std::string(lines[i]) + " at " + tag, words.dump()});
    }
    Exec("INSERT INTO speaker_names (task_id, speaker, name) VALUES (?, 'S1', ?)",
         {task, "Chair of " + tag});
    MinutesDoc doc;
    doc.title = "Weekly " + tag;
    doc.summary = {"The " + tag + " release ships on Friday."};
    doc.decisions = {{"keep the budget", "S1", "seg-" + tag + "-3"}};
    doc.action_items = {{"write the notes", "S2", "by monday", "seg-" + tag + "-2"}};
    doc.topics = {"release"};
    doc.speakers = {{"S1", "S1", 0.3, 0.6}, {"S2", "S2", 0.2, 0.4}};
    MinutesVersion v;
    v.task_id = task;
    v.version = 1;
    v.template_name = "default";
    v.template_body = Must(TemplateSet::Builtin().Source("default"), "built-in template");
    v.template_version = 0;
    v.generator = "extractive";
    v.minutes_json = MinutesToJson(doc).dump();
    Must(db_->Transaction([&](Database& tx) { return InsertMinutesVersion(tx, v); }), "minutes");
  }

  // An upload of PartWav(): open with its one part uploaded, or completed into `object`.
  void Upload(const std::string& id, const std::string& tenant, const std::string& user,
              const std::string& object) {
    std::string key = "tenants/" + tenant + "/recordings/" + (object.empty() ? id : object);
    std::string store_id;
    if (object.empty()) {
      store_id = Must(store_->BeginUpload(key), "upload");
      std::istringstream part(PartWav());
      Must(store_->PutPart(key, store_id, 1, part, 1 << 20).status(), "upload part");
    }
    Exec(
        "INSERT INTO uploads (id, tenant_id, user_id, filename, content_type, size, part_size, "
        "storage_key, store_upload_id, token_hash, part_url_key, state, object_id, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, 'audio/wav', ?, 8388608, ?, ?, '', ?, ?, ?, ?, ?)",
        {id, tenant, user, id + ".wav", static_cast<int64_t>(PartWav().size()), key, store_id,
         std::string(kPartUrlKey), object.empty() ? "open" : "completed",
         object.empty() ? DbValue(nullptr) : DbValue(object), NowIso(),
         std::string(kUploadsExpire)});
  }

  void Fill() {
    for (const char* t : {"acme", "globex"})
      Exec("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
           {std::string("tenant-") + t, std::string(t), NowIso()});
    std::string hash = Must(HashPassword(kPassword, PasswordParams{1, 8, 1}), "password");
    for (const User& u : kUsers)
      Exec(
          "INSERT INTO users (id, tenant_id, username, password_hash, role, created_at) VALUES "
          "(?, ?, ?, ?, ?, ?)",
          {u.id, u.tenant_id, u.username, hash, u.role, NowIso()});
    api_key_ = Must(accounts_->CreateApiKey("bob.acme", "fuzz"), "API key").first;
    const std::string wav = Wav(0.5);
    for (const std::string tag : {"acme", "globex"}) {
      const std::string tenant = "tenant-" + tag;
      const User& admin = kUsers[tag == "acme" ? kAlice : kCarol];
      const User& member = kUsers[tag == "acme" ? kBob : kDave];
      Object("obj-" + tag + "-done", tenant, wav);
      Task("task-" + tag + "-done", tenant, member.id, "obj-" + tag + "-done", "succeeded");
      Results("task-" + tag + "-done", tag);
      Object("obj-" + tag + "-queued", tenant, wav);
      Task("task-" + tag + "-queued", tenant, member.id, "obj-" + tag + "-queued", "queued");
      Must(db_->Transaction([&](Database& tx) {
        return JobQueue::Enqueue(tx, "task-" + tag + "-queued", "transcribe");
      }),
           "job");
      Object("obj-" + tag + "-upload", tenant, PartWav());
      Upload("up-" + tag + "-done", tenant, member.id, "obj-" + tag + "-upload");
      Upload("up-" + tag + "-open", tenant, member.id, "");
      for (int i = 1; i <= 2; ++i) {
        std::string n = std::to_string(i), id = "hw-" + tag + "-" + n;
        Exec("INSERT INTO hotword_sets (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)",
             {id, tenant, "jargon " + tag + " " + n, NowIso()});
        Exec("INSERT INTO hotwords (set_id, word, weight) VALUES (?, ?, 2.5)", {id, tag + "-x"});
        Exec(
            "INSERT INTO webhooks (id, tenant_id, url, secret, created_at) VALUES (?, ?, ?, ?, "
            "?)",
            {"wh-" + tag + "-" + n, tenant, "https://hooks.example.com/" + tag + "/" + n,
             "whsec_" + tag + "_0123456789abcdef", NowIso()});
      }
      const std::string body = "# {{title}} (" + tag +
                               ")\n{{#summary}}- {{.}}\n{{/summary}}{{#decisions}}* {{text}}\n"
                               "{{/decisions}}";
      Must(TemplateSet::Validate(tag + "-notes", body, TemplateLimitsFrom(&config_)), "template");
      Must(PutTemplateVersion(*db_, {tenant, admin.id, true}, tag + "-notes", body).status(),
           "template");
      Must(
          PutTemplateVersion(*db_, {tenant, member.id, false},
                             std::string(member.username).substr(0, 3) + "-" + tag + "-notes", body)
              .status(),
          "template");
      Exec(
          "INSERT INTO audit_logs (tenant_id, user_id, action, target, provider, model, "
          "audio_seconds, tokens_in, tokens_out, cost, created_at) VALUES (?, ?, "
          "'provider.call', ?, 'openai', 'gpt', 0.5, 10, 20, 0.01, ?)",
          {tenant, member.id, "task-" + tag + "-done", NowIso()});
    }
  }

  // ---- back to the fixture after each input ----

  // The tables as filled, in an attached in-memory schema; the storage directory's files.
  void Snapshot() {
    Must(db_->ExecScript("ATTACH DATABASE ':memory:' AS snap"), "snapshot");
    auto tables =
        Must(db_->Query("SELECT name FROM main.sqlite_master WHERE type = 'table'"), "snapshot");
    for (auto& row : tables) {
      std::string name = AsString(row[0]), copy = "t_" + name;
      tables_.push_back({name, copy});
      Must(db_->ExecScript("CREATE TABLE snap.\"" + copy + "\" AS SELECT * FROM main.\"" + name +
                           "\""),
           "snapshot");
    }
    files_ = StorageFiles(true);
    sizes_ = StorageFiles(false);
    changes_ = TotalChanges();
  }

  int64_t TotalChanges() {
    return AsInt(Must(db_->Query("SELECT total_changes()"), "total_changes")[0][0]);
  }

  // Relative path -> contents (or size, when `contents` is false); directories end in '/'.
  std::map<std::string, std::string> StorageFiles(bool contents) const {
    std::map<std::string, std::string> out;
    const std::filesystem::path root = dir_ / "objects";
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      std::string rel = it->path().lexically_relative(root).string();
      if (it->is_directory(ec)) {
        out[rel + "/"] = "";
      } else if (contents) {
        std::ifstream in(it->path(), std::ios::binary);
        out[rel] = std::string(std::istreambuf_iterator<char>(in), {});
      } else {
        out[rel] = std::to_string(it->file_size(ec));
      }
    }
    return out;
  }

  void Reset() {
    if (TotalChanges() != changes_) {
      std::string sql = "PRAGMA foreign_keys = OFF; BEGIN;";
      for (auto& [name, copy] : tables_)
        sql += "DELETE FROM main.\"" + name + "\"; INSERT INTO main.\"" + name +
               "\" SELECT * FROM snap.\"" + copy + "\";";
      Must(db_->ExecScript(sql + "COMMIT; PRAGMA foreign_keys = ON;"), "restoring the tables");
      changes_ = TotalChanges();
      NewAuthenticator();  // it remembers users' states for a second
    }
    if (StorageFiles(false) == sizes_) return;
    const std::filesystem::path root = dir_ / "objects";
    for (auto& entry : std::filesystem::directory_iterator(root))
      std::filesystem::remove_all(entry.path());
    for (auto& [rel, data] : files_) {
      if (rel.back() == '/') {
        std::filesystem::create_directories(root / rel);
      } else {
        std::filesystem::create_directories((root / rel).parent_path());
        std::ofstream(root / rel, std::ios::binary) << data;
      }
    }
  }

  void NewAuthenticator() {
    auth_ = Must(Authenticator::Make(config_, *db_, *accounts_, *jwt_), "authenticator");
  }

  // ---- one request ----

  struct Sent {
    std::string method, target, content_type, body, free_text;
    int who;
  };

  // Runs `s` through DispatchRequest like the edge would and checks the answer. False when
  // the edge would have refused the request target itself (400, 414).
  bool Send(const Sent& s, const std::string& asked, Response& res) {
    auto parsed = ParseRequestTarget(s.target, 8192);
    if (!parsed.ok()) return false;
    Request req;
    req.method = s.method;
    req.path = parsed->path;
    req.query = parsed->query;
    req.request_id = "fuzz-request";
    req.client_address = req.peer_address = "203.0.113.7";
    std::map<std::string, std::string> headers;
    if (!s.content_type.empty()) headers["content-type"] = s.content_type;
    headers["content-length"] = std::to_string(s.body.size());
    if (s.free_text.rfind("bytes=", 0) == 0) headers["range"] = s.free_text;
    if (s.who < kBobsKey) {
      const User& u = kUsers[s.who];
      headers["authorization"] =
          "Bearer " + jwt_->Issue({u.id, u.tenant_id, u.username, u.role, 0, 0}, UnixNow());
    } else if (s.who == kBobsKey) {
      headers["authorization"] = "Bearer " + api_key_;
    } else if (s.who == kFreeTextToken) {
      headers["authorization"] = "Bearer " + s.free_text;
    } else if (s.who == kGateway) {
      headers["x-user-id"] = "bob.acme";
      headers["x-tenant-id"] = "acme";
    }
    req.header = [&headers](const std::string& name) {
      std::string key;
      for (char c : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = headers.find(key);
      return it == headers.end() ? std::string() : it->second;
    };
    std::istringstream body(s.body);
    req.body = &body;
    DispatchRequest(router_, *auth_, req, res);

    // What the edge would send after the headers: a streamed body, the first events.
    std::string streamed;
    if (res.stream) {
      std::ostringstream out;
      res.stream(out);
      streamed = out.str();
    }
    if (res.events) {
      auto subscription = res.events([&streamed](std::string text, bool) { streamed += text; });
      subscription.reset();
    }

    if (verbose_)
      std::fprintf(stderr, "%s %s (caller %d) -> %d %s\n", s.method.c_str(), s.target.c_str(),
                   s.who, res.status, res.body.substr(0, 160).c_str());
    auto describe = [&] {
      return s.method + " " + s.target + " (caller " + std::to_string(s.who) + ", Content-Type '" +
             s.content_type + "')\nbody: " + s.body.substr(0, 500) + "\nanswer " +
             std::to_string(res.status) + ": " + res.body.substr(0, 1000);
    };
    if (res.status < 200 || res.status > 599) Fail("a status outside 200..599", describe());
    if (res.status >= 500 && res.status != 503 && res.status != 507)
      Fail("a 5xx for a request (bad input must be a 4xx)", describe());
    if (res.status >= 400) {
      auto j = nlohmann::json::parse(res.body, nullptr, false);
      if (!j.is_object() || !j.contains("error") || !j["error"].is_object() ||
          !j["error"].contains("code") || !j["error"]["code"].is_string() ||
          j["error"]["code"].get<std::string>().empty() || !j["error"].contains("message") ||
          !j["error"]["message"].is_string())
        Fail("an error without a JSON {\"error\": {\"code\", \"message\"}} body", describe());
    }
    if (res.stream && res.content_length >= 0 &&
        streamed.size() != static_cast<size_t>(res.content_length))
      Fail("a streamed body of " + std::to_string(streamed.size()) + " bytes, not " +
               std::to_string(res.content_length),
           describe());
    // A tenant's caller never hears of the other tenant, unless it named it itself.
    if (req.principal) {
      const std::string other = req.principal->tenant_id == "tenant-acme" ? "globex" : "acme";
      std::string answer = res.body + "\n" + streamed;
      for (auto& [k, v] : res.headers) answer += "\n" + k + ": " + v;
      if (answer.find(other) != std::string::npos && asked.find(other) == std::string::npos)
        Fail("an answer to " + req.principal->username + " names the other tenant (" + other + ")",
             describe());
    }
    return true;
  }

  // After a change that succeeded: what it made or changed, read back by the same caller.
  void ReadBack(const Sent& s, const Response& res, const std::string& asked) {
    std::vector<std::string> targets;
    if (auto it = res.headers.find("Location"); it != res.headers.end()) {
      targets.push_back(it->second);
      if (it->second.rfind("/api/v1/tasks/", 0) == 0 &&
          it->second.find('/', 14) == std::string::npos)
        targets.push_back(it->second + "/events");
    }
    std::string path = s.target.substr(0, s.target.find('?'));
    targets.push_back(path);
    std::vector<std::string> segs;
    for (size_t at = 1; at < path.size();) {
      size_t end = std::min(path.find('/', at), path.size());
      segs.push_back(path.substr(at, end - at));
      at = end + 1;
    }
    if (segs.size() >= 3 && segs[0] == "api") {
      std::string collection = "/api/v1/" + segs[2];
      targets.push_back(collection);
      if (segs[2] == "tasks" && segs.size() >= 4)
        for (const char* sub : {"", "/transcript?format=json", "/transcript?format=vtt", "/minutes",
                                "/minutes?format=json", "/events"})
          targets.push_back(collection + "/" + segs[3] + sub);
    }
    for (const std::string& target : targets) {
      Response again;
      Send({"GET", target, "", "", "", s.who}, asked, again);
    }
  }

  std::filesystem::path dir_;
  Config config_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<JobQueue> queue_;
  std::unique_ptr<JwtIssuer> jwt_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<TaskEventFeed> feed_;
  std::unique_ptr<ServiceContext> ctx_;
  Router router_;
  std::vector<Router::Info> routes_;
  std::unique_ptr<Authenticator> auth_;
  std::string api_key_;
  std::vector<std::pair<std::string, std::string>> tables_;  // table, its copy in snap
  std::map<std::string, std::string> files_, sizes_;         // path -> contents, size
  int64_t changes_ = 0;
  const bool verbose_ = std::getenv("API_ROUTER_FUZZ_VERBOSE") != nullptr;  // each answer
};

void Service::Run(const uint8_t* data, size_t size) {
  if (size < 4 || routes_.empty()) return;
  const Router::Info& route = routes_[data[0] % routes_.size()];
  Sent s;
  s.method = data[1] < 0xe0 ? route.method : kMethods[data[1] % 8];
  s.who = data[2] & 7;
  s.content_type = kContentTypes[(data[2] >> 3) % 8];
  std::string text(reinterpret_cast<const char*>(data) + 4, size - 4);
  s.free_text = Line(text);
  const std::string query = Line(text);
  s.body = text;

  // The path: the route's pattern with its parameters filled in.
  const bool globex = s.who == kCarol || s.who == kDave;
  size_t param = 0;
  for (size_t at = 1; at <= route.pattern.size();) {
    size_t end = std::min(route.pattern.find('/', at), route.pattern.size());
    std::string seg = route.pattern.substr(at, end - at);
    s.target += "/";
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      const int pick = (data[3] >> (2 * param++)) & 3;  // own, own second, other's, free text
      std::string name = seg.substr(1, seg.size() - 2), value = s.free_text;
      for (const ParamChoices& c : kParams)
        if (route.pattern.rfind(c.prefix, 0) == 0 && name == c.param && pick < 3)
          value = c.values[pick == 2 ? (globex ? 0 : 2) : (globex ? 2 : 0) + pick];
      s.target += value;
    } else {
      s.target += seg;
    }
    at = end + 1;
  }
  if (!query.empty()) s.target += "?" + query;

  const std::string asked = s.target + "\n" + s.body + "\n" + s.free_text;
  Response res;
  if (Send(s, asked, res) && res.status < 300 && s.method != "GET" && s.method != "HEAD")
    ReadBack(s, res, asked);
  Reset();
}

Service& TheService() {
  static Service* service = [] {
    auto* s = new Service();  // lives as long as the process; its directory goes at exit
    static std::string dir = s->dir().string();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    });
    return s;
  }();
  return *service;
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

// A value of some type for a JSON body: what routes must refuse with a 4xx when unexpected.
nlohmann::json SomeValue(std::minstd_rand& rng) {
  switch (rng() % 16) {
    case 0:
      return nullptr;
    case 1:
      return rng() % 2 == 0;
    case 2:
      return static_cast<int64_t>(rng() % 3) - 1;
    case 3:
      return 1.5;
    case 4:
      return 1e308;
    case 5:
      return std::numeric_limits<int64_t>::max();
    case 6:
      return std::numeric_limits<uint64_t>::max();
    case 7:
      return std::numeric_limits<int64_t>::min();
    case 8:
      return "";
    case 9:
      return std::string(1 + rng() % 6000, 'a');
    case 10:
      return nlohmann::json::array();
    case 11:
      return nlohmann::json::object();
    case 12:
      return nlohmann::json::array({"x", 1});
    case 13:
      return nlohmann::json{{"word", "w"}, {"number", 1}, {"etag", "e"}};
    default: {
      static const char* const kStrings[] = {"task-acme-done",
                                             "seg-acme-1",
                                             "up-acme-done",
                                             "hw-acme-1",
                                             "acme-notes",
                                             "admin",
                                             "member",
                                             "S1",
                                             "default",
                                             "task.succeeded",
                                             "audio/wav",
                                             "bob.acme",
                                             "x y",
                                             "\xe4\xbd\xa0",
                                             "{{#x}}{{/y}}",
                                             "https://hooks.example.com/x"};
      return kStrings[rng() % (sizeof kStrings / sizeof *kStrings)];
    }
  }
}

// Changes one node of `j`: another value, a member or element less, or one more.
void MutateJson(nlohmann::json& j, std::minstd_rand& rng) {
  static const char* const kFields[] = {"username",
                                        "password",
                                        "role",
                                        "disabled",
                                        "upload_id",
                                        "title",
                                        "template",
                                        "hotword_set",
                                        "speakers",
                                        "language",
                                        "engine",
                                        "question",
                                        "text",
                                        "body",
                                        "name",
                                        "words",
                                        "word",
                                        "weight",
                                        "url",
                                        "events",
                                        "secret",
                                        "filename",
                                        "size",
                                        "content_type",
                                        "parts",
                                        "number",
                                        "etag",
                                        "asr_engine",
                                        "llm_provider",
                                        "current_password",
                                        "new_password",
                                        "summary",
                                        "decisions",
                                        "action_items",
                                        "topics",
                                        "owner",
                                        "due",
                                        "segment",
                                        "speaker",
                                        "S1",
                                        "S2"};
  std::vector<nlohmann::json*> nodes;
  std::vector<nlohmann::json*> unvisited = {&j};
  while (!unvisited.empty()) {
    nlohmann::json* n = unvisited.back();
    unvisited.pop_back();
    nodes.push_back(n);
    if (n->is_structured())
      for (auto& child : *n) unvisited.push_back(&child);
  }
  nlohmann::json& node = *nodes[rng() % nodes.size()];
  switch (rng() % 4) {
    case 0:
      node = SomeValue(rng);
      break;
    case 1:
      if (node.is_object() && !node.empty()) {
        auto it = node.begin();
        std::advance(it, rng() % node.size());
        node.erase(it);
      } else if (node.is_array() && !node.empty()) {
        node.erase(node.begin() + static_cast<std::ptrdiff_t>(rng() % node.size()));
      } else {
        node = SomeValue(rng);
      }
      break;
    default:
      if (node.is_object())
        node[kFields[rng() % (sizeof kFields / sizeof *kFields)]] = SomeValue(rng);
      else if (node.is_array())
        node.push_back(node.empty() ? SomeValue(rng) : node[rng() % node.size()]);
      else
        node = SomeValue(rng);
  }
}

}  // namespace
}  // namespace minutes

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

// A third of the mutations know the input's layout: its JSON body gets a value of another type
// somewhere, loses a member or gains one (byte-level mutations rarely turn "member" into 7).
// The rest are libFuzzer's own, with the dictionary.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  std::minstd_rand rng(seed);
  if (size < 4 || rng() % 3 != 0) return LLVMFuzzerMutate(data, size, max_size);
  std::string text(reinterpret_cast<const char*>(data) + 4, size - 4);
  size_t first = text.find('\n');
  size_t second = first == std::string::npos ? first : text.find('\n', first + 1);
  if (second == std::string::npos) return LLVMFuzzerMutate(data, size, max_size);
  auto body = nlohmann::json::parse(text.substr(second + 1), nullptr, false);
  if (body.is_discarded()) return LLVMFuzzerMutate(data, size, max_size);
  minutes::MutateJson(body, rng);
  std::string out = std::string(reinterpret_cast<const char*>(data), 4) +
                    text.substr(0, second + 1) +
                    body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  minutes::Service& service = minutes::TheService();
  if (const char* dir = std::getenv("API_ROUTER_FUZZ_SEEDS")) {
    service.WriteSeeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  minutes::TheService().Run(data, size);
  return 0;
}
