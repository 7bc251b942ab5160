#pragma once
// Service configuration: one YAML file, environment overrides (MINUTES_SECTION_KEY), `${VAR}`
// interpolation for secrets, and defaults that need no file at all. Defaults live here only.
#include <map>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// The `server` section: HTTP listener and request limits.
struct ServerConfig {
  std::string host = "127.0.0.1";            ///< Address to bind.
  int port = 8000;                           ///< TCP port, 1..65535.
  int workers = 1;                           ///< Background pipeline workers; 0 = API only.
  int max_upload_mb = 500;                   ///< Largest accepted upload, >= 1.
  std::vector<std::string> trusted_proxies;  ///< CIDRs whose X-Forwarded-For is believed.
  std::string
      assets_dir;       ///< npm packages of web/ (docs UIs); empty = the build's web/node_modules.
  std::string web_dir;  ///< the built web app (web/dist); empty = the build's web/dist.

  // The HTTP edge of `minutes serve` (http/server.hpp): an event loop that never blocks, a
  // bounded pool of handler threads behind it, timeouts and connection limits.

  /// Event-loop threads (sockets, parsing, timers; they never block), 0..64; 0 = one per core.
  int io_threads = 0;
  /// Threads that run route handlers (database, storage), 0..256; 0 = two per core, at least 4.
  /// Password hashes, provider calls and DNS look-ups wait on threads of their own, not these.
  /// More threads than the backends can keep busy only add switching.
  int handler_threads = 0;
  /// Requests waiting for a handler thread, 1..100000; past it the answer is 503 with
  /// Retry-After.
  int handler_queue = 256;
  /// A request's line and headers must arrive within this, counted from the accepted
  /// connection or from the first byte of a kept-alive request; 1..3600 s.
  int header_timeout_s = 10;
  /// A request body that sends no byte for this long is abandoned (400, nothing stored, the
  /// connection closed); also a download or event stream whose client reads nothing; 1..3600 s.
  int body_idle_timeout_s = 30;
  /// An idle kept-alive connection is closed after this; 1..3600 s. Longer than the proxy's
  /// upstream keepalive_timeout (nginx: 60 s) so the proxy closes first.
  int keepalive_timeout_s = 65;
  /// Whole deadline of a non-streaming request, headers in to response written; 1..3600 s.
  /// Uploads, downloads and event streams have only the idle timeouts.
  int request_timeout_s = 60;
  /// Request line and headers together, 1024..1048576 bytes; past it 431.
  int max_header_bytes = 16384;
  /// The request line alone, 256..1048576 bytes; past it 414 (it counts in max_header_bytes
  /// too).
  int max_request_line_bytes = 8192;
  /// Open connections, 1..1000000 (and no more than the file-descriptor limit allows at
  /// start-up); past it a new connection gets 503 and is closed.
  int max_connections = 16000;
  /// Open connections per client address, 1..1000000; past it 429. Connections from
  /// trusted_proxies are not counted per address: their requests count against the
  /// X-Forwarded-For client instead.
  int max_connections_per_client = 256;
  /// Open Server-Sent Events streams per user, 1..100000; past it 429.
  int max_streams_per_user = 16;
  /// A quiet event stream gets a comment line this often, 1..3600 s.
  int sse_heartbeat_s = 15;
  /// On SIGTERM, requests in flight get this long to finish before connections are closed;
  /// 0..3600 s.
  int drain_timeout_s = 10;
  bool operator==(const ServerConfig&) const = default;
};

/// The `auth` section: tokens and API keys.
struct AuthConfig {
  std::string jwt_secret;               ///< Secret; empty = unset. Use `${VAR}` in the file.
  int jwt_ttl_s = 3600;                 ///< Token lifetime in seconds, >= 1.
  std::string api_key_prefix = "mk_";   ///< Public prefix of issued API keys.
  std::string jwt_algorithm = "HS256";  ///< HS256 (jwt_secret) or RS256 (the key files below).
  std::string jwt_private_key_file;     ///< RS256: PEM private key that signs login tokens.
  std::string jwt_public_key_file;      ///< RS256: PEM public key that verifies them.
  /// Gateway mode (seed 004 plan A): X-User-ID / X-Tenant-ID (and X-User-Role) are believed
  /// only from these CIDRs, or from anywhere with header X-Gateway-Secret = gateway_secret.
  std::vector<std::string> gateway_cidrs;
  std::string gateway_secret;  ///< Empty = the shared-secret form is off.
  /// External JWT (seed 004 plan B): RS256 tokens from an identity provider, verified with a
  /// PEM public key or a JWKS file; claims map to user (sub), tenant and role.
  std::string external_jwt_public_key_file;
  std::string external_jwt_jwks_file;
  std::string external_jwt_issuer;    ///< Required `iss` when set.
  std::string external_jwt_audience;  ///< Required `aud` when set.
  std::string external_jwt_tenant_claim = "tenant";
  std::string external_jwt_role_claim = "role";
  /// New passwords: at least this many characters (also: not a common password, not the
  /// username); 8..256.
  int password_min_length = 10;
  /// Consecutive failed sign-ins allowed per username before each further one locks it for
  /// login_delay_base_s, doubling up to login_delay_max_s; a success resets. 1..1000.
  int login_free_failures = 5;
  /// The same per client address (IPv6 by /64); higher, as people share addresses. 1..100000.
  int login_free_failures_per_address = 20;
  int login_delay_base_s = 1;   ///< First lock after the free failures; 1..3600.
  int login_delay_max_s = 900;  ///< Longest lock; login_delay_base_s..86400.
  /// argon2id hashes (64 MiB each) at once in this process; 1..64.
  int password_hash_concurrency = 2;
  /// Sign-ins that may wait for a hash slot (each holds a handler thread); past it 503 with
  /// Retry-After. 0..1000.
  int password_hash_queue = 4;
  bool operator==(const AuthConfig&) const = default;
};

/// The `asr` section: speech recognition.
struct AsrConfig {
  std::string engine = "auto";  ///< Engine name; "auto" picks the best available.
  /// whisper's model: a name in the models directory ("base.en") or a file; empty = base.en
  /// (base for other languages).
  std::string model;
  int threads = 0;              ///< Decoder threads; 0 = hardware concurrency.
  std::string language = "en";  ///< Spoken language code.
  /// Engines tried in order when `engine` fails (provider URLs, or pocketsphinx last).
  std::vector<std::string> fallback;
  /// Where whisper models are kept; empty = $MINUTES_MODELS_DIR, else
  /// $XDG_DATA_HOME/minutes/models, else ~/.local/share/minutes/models.
  std::string models_dir;
  /// Where `minutes models pull` fetches from (a mirror keeps the official file names).
  std::string models_url = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";
  bool operator==(const AsrConfig&) const = default;
};

/// The `minutes` section: minutes rendering.
struct MinutesConfig {
  std::string template_name = "default";  ///< YAML key `template`.
  std::string templates_dir;              ///< Extra templates; empty = built-in only.
  // Caps on templates and rendering (minutes/template_outline.hpp TemplateLimits).
  int template_max_kb = 64;      ///< A template's text, 1..1024 KB; past it 413 on save.
  int template_max_depth = 8;    ///< Sections nested in sections, 1..32; deeper is refused.
  int render_max_kb = 1024;      ///< One rendered document, 16..65536 KB; past it 422.
  int render_timeout_ms = 1000;  ///< One render's wall time, 10..60000 ms; past it 422.
  bool operator==(const MinutesConfig&) const = default;
};

/// The `llm` section: language models for minutes, tried in order (llm/model_factory.hpp for
/// the URL form); empty = the offline extractive generator only. When every model fails, the
/// extractive generator writes the minutes.
struct LlmConfig {
  std::vector<std::string> chain;  ///< e.g. openai://:${OPENAI_API_KEY}@api.openai.com/v1?model=…
  bool operator==(const LlmConfig&) const = default;
};

/// The `worker` section: job processing (in-process workers and `minutes worker`).
struct WorkerConfig {
  int concurrency = 1;   ///< Jobs at once in `minutes worker`, >= 1.
  int lease_s = 60;      ///< A dead worker's job is taken again after this, >= 5.
  int max_attempts = 3;  ///< Tries before a task fails, >= 1.
  std::string temp_dir;  ///< Where recordings are fetched to; empty = system temp.
  /// `minutes worker` serves /health and /metrics on this port: -1 = off, 0 = any free port.
  int status_port = -1;
  /// Temporary objects and files older than this are swept (every ttl/4, at most hourly); 0 =
  /// never.
  int temp_ttl_s = 86400;
  std::string status_host = "127.0.0.1";  ///< Its address (0.0.0.0 in a container).
  /// Threads per worker process for light jobs (webhook deliveries), besides the heavy slots
  /// (`concurrency`, `server.workers`); heavy slots never take light jobs nor these heavy
  /// ones. 1..64.
  int light_threads = 2;
  /// Heavy jobs (transcription, minutes) one tenant may have running at once across all
  /// workers; 0 = no limit. 0..10000.
  int max_running_per_tenant = 4;
  /// Light jobs (webhook deliveries) one tenant may have running at once across all workers,
  /// so its slow receivers leave the other light threads to other tenants; 0 = no limit.
  /// 0..10000.
  int max_light_running_per_tenant = 1;
  bool operator==(const WorkerConfig&) const = default;
};

/// The `webhooks` section: deliveries of task events.
struct WebhooksConfig {
  int max_attempts = 6;     ///< Deliveries tried (with backoff) before giving up, >= 1.
  int timeout_s = 10;       ///< Per delivery, >= 1.
  int max_per_tenant = 20;  ///< Webhooks one tenant may have, 1..1000.
  /// Lets webhooks reach loopback, private, CGNAT, link-local and unique-local addresses
  /// (self-hosted receivers). Metadata, multicast, broadcast and reserved addresses never.
  bool allow_private_networks = false;
  bool operator==(const WebhooksConfig&) const = default;
};

/// The `health` section: what /health/ready calls degraded before it fails.
struct HealthConfig {
  /// The file store's volume and the temporary directory count as low on space below this
  /// many MiB free, or below min_free_percent of their size (0 turns a limit off).
  int min_free_mb = 1024;
  int min_free_percent = 5;  ///< 0..100.
  bool operator==(const HealthConfig&) const = default;
};

/// The `limits` section: bounds on the work and storage one tenant or user can claim
/// (api/quotas.hpp). Past each one the API answers 413, 422 or 429 with the limit named.
struct LimitsConfig {
  /// Longest recording accepted, 1..604800 s (4 h by default). Probed before a task is
  /// queued (422 past it, nothing kept); the worker's decoder also stops there.
  int max_duration_s = 14400;
  /// Bytes one tenant's recordings and minutes may hold, in MiB; 0 = unlimited. An upload
  /// that would pass it is stopped with 413 (code storage_quota_exceeded), nothing kept.
  int tenant_storage_mb = 0;
  /// Tasks one tenant may have waiting in the queue, 0..1000000 (0 = unlimited); past it
  /// 429 with Retry-After.
  int tenant_queued_tasks = 100;
  /// Uploads one user may start per minute (sliding window, shared by every API instance),
  /// 0..100000 (0 = unlimited); past it 429 with Retry-After.
  int user_uploads_per_minute = 30;
  /// MiB one user may upload in any hour (recordings stored: streamed, multipart and direct
  /// uploads; shared by every API instance), 0 = unlimited. An upload that would pass it is
  /// refused with 429 (code upload_bytes_rate_limit, Retry-After), a chunked one cut as it
  /// passes it, nothing kept.
  int user_upload_mb_per_hour = 4096;
  bool operator==(const LimitsConfig&) const = default;
};

/// The `log` section.
struct LogConfig {
  std::string level = "info";   ///< trace|debug|info|warn|error.
  std::string format = "auto";  ///< auto|json|text (auto = text on a terminal, else json).
  bool operator==(const LogConfig&) const = default;
};

/// The whole effective configuration. After LoadConfig, `database` and `storage` are never empty.
struct Config {
  ServerConfig server;              ///< HTTP listener.
  std::string data_dir = "./data";  ///< Holds the SQLite file and stored objects.
  std::string database;  ///< sqlite:// or postgresql://; empty = sqlite://<data_dir>/minutes.db.
  std::string storage;   ///< file:// or s3://; empty = file://<data_dir>/objects.
  /// S3 credentials (YAML `storage: {url, access_key, secret_key}`); empty = AWS_* environment.
  std::string storage_access_key, storage_secret_key;
  std::string queue = "database";        ///< "database" or a redis:// URL.
  AuthConfig auth;                       ///< Tokens and keys.
  AsrConfig asr;                         ///< Speech recognition.
  MinutesConfig minutes;                 ///< Minutes rendering.
  LlmConfig llm;                         ///< Language models.
  WorkerConfig worker;                   ///< Job processing.
  WebhooksConfig webhooks;               ///< Webhook deliveries.
  HealthConfig health;                   ///< Readiness thresholds.
  LimitsConfig limits;                   ///< Quotas and caps per tenant and user.
  LogConfig log;                         ///< Logging.
  std::map<std::string, double> prices;  ///< Model or provider name -> price per unit, >= 0.
  bool operator==(const Config&) const = default;
};

/// Builds the effective config: defaults, then the YAML file at `yaml_path` (skipped when empty;
/// a missing file is BadInput naming the path), with `${VAR}` in its values taken from `env`
/// (`$${VAR}` is a literal `${VAR}`), then overrides from `env` named MINUTES_ + key path
/// upper-cased with dots as underscores (MINUTES_SERVER_PORT, MINUTES_DATA_DIR; lists and
/// prices as "a,b" and "name=1.5,other=2"). Derives database/storage from data_dir, then
/// validates. Every error is BadInput whose message starts with the offending key path.
Result<Config> LoadConfig(const std::string& yaml_path,
                          const std::map<std::string, std::string>& env);

/// Every variable of the process environment.
std::map<std::string, std::string> EnvironmentMap();

/// The config as YAML that LoadConfig reads back. Secrets (keys ending in secret, password,
/// passwd, token or key) print as "****", or "" when unset; every string as MaskUrl
/// (net/url.hpp) shows it (`u:****@host`, `****@host`, `?secret_key=****`).
std::string ShowConfig(const Config& config);

}  // namespace minutes
