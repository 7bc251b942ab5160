#include "config/config.hpp"

#include <gtest/gtest.h>

#include "config/config_test_util.hpp"

namespace minutes {
namespace {

using Env = std::map<std::string, std::string>;

std::string ErrorOf(const std::string& path, const Env& env = {}) {
  auto config = LoadConfig(path, env);
  EXPECT_FALSE(config.ok());
  EXPECT_EQ(config.status().kind(), ErrorKind::kBadInput);
  return config.status().message();
}

TEST(ConfigDefaults, NoFileNeeded) {
  auto config = LoadConfig("", {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8000);
  EXPECT_EQ(config->server.workers, 1);
  EXPECT_EQ(config->server.max_upload_mb, 500);
  EXPECT_TRUE(config->server.trusted_proxies.empty());
  EXPECT_EQ(config->data_dir, "./data");
  EXPECT_EQ(config->database, "sqlite://./data/minutes.db");
  EXPECT_EQ(config->storage, "file://./data/objects");
  EXPECT_EQ(config->queue, "database");
  EXPECT_EQ(config->auth.jwt_secret, "");
  EXPECT_EQ(config->auth.jwt_ttl_s, 3600);
  EXPECT_EQ(config->auth.api_key_prefix, "mk_");
  EXPECT_EQ(config->auth.password_min_length, 10);
  EXPECT_EQ(config->auth.login_free_failures, 5);
  EXPECT_EQ(config->auth.password_hash_concurrency, 2);
  EXPECT_EQ(config->worker.light_threads, 2);
  EXPECT_EQ(config->worker.max_running_per_tenant, 4);
  EXPECT_EQ(config->worker.max_light_running_per_tenant, 1);
  EXPECT_EQ(config->asr.engine, "auto");
  EXPECT_EQ(config->asr.threads, 0);
  EXPECT_EQ(config->asr.language, "en");
  EXPECT_EQ(config->minutes.template_name, "default");
  EXPECT_EQ(config->log.level, "info");
  EXPECT_EQ(config->log.format, "auto");
  EXPECT_TRUE(config->prices.empty());
}

TEST(ConfigDefaults, DataDirFromEnvMovesDatabaseAndStorage) {
  auto config = LoadConfig("", {{"MINUTES_DATA_DIR", "/srv/m"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->database, "sqlite:///srv/m/minutes.db");
  EXPECT_EQ(config->storage, "file:///srv/m/objects");
}

using ConfigLoadTest = ConfigFileTest;

TEST_F(ConfigLoadTest, ReadsYamlValues) {
  auto config = LoadConfig(Write(R"(
server: {host: 0.0.0.0, port: 9001, workers: 4, trusted_proxies: [10.0.0.0/8, "::1/128"]}
data_dir: /var/lib/minutes
database: postgresql://app@db/minutes
queue: redis://cache:6379/0
auth: {jwt_ttl_s: 60}
asr: {engine: pocketsphinx, threads: 2, language: de}
minutes: {template: board, templates_dir: /etc/t}
log: {level: debug, format: json}
prices: {whisper: 0.006, gpt-4o: 2.5}
)"),
                           {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.host, "0.0.0.0");
  EXPECT_EQ(config->server.port, 9001);
  EXPECT_EQ(config->server.workers, 4);
  EXPECT_EQ(config->server.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1/128"}));
  EXPECT_EQ(config->database, "postgresql://app@db/minutes");
  EXPECT_EQ(config->storage, "file:///var/lib/minutes/objects");
  EXPECT_EQ(config->queue, "redis://cache:6379/0");
  EXPECT_EQ(config->auth.jwt_ttl_s, 60);
  EXPECT_EQ(config->asr.engine, "pocketsphinx");
  EXPECT_EQ(config->asr.threads, 2);
  EXPECT_EQ(config->minutes.template_name, "board");
  EXPECT_EQ(config->minutes.templates_dir, "/etc/t");
  EXPECT_EQ(config->log.level, "debug");
  EXPECT_EQ(config->log.format, "json");
  EXPECT_EQ(config->prices, (std::map<std::string, double>{{"whisper", 0.006}, {"gpt-4o", 2.5}}));
}

TEST_F(ConfigLoadTest, EmptyFileMeansDefaults) {
  auto config = LoadConfig(Write(""), {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.port, 8000);
}

TEST_F(ConfigLoadTest, EnvironmentWinsOverFile) {
  std::string path = Write("server: {port: 9001, host: a.example}\nlog: {level: warn}\n");
  auto config = LoadConfig(path, {{"MINUTES_SERVER_PORT", "9000"},
                                  {"MINUTES_AUTH_JWT_SECRET", "s3cret"},
                                  {"MINUTES_DATABASE", "postgresql://u:p@h/db"},
                                  {"MINUTES_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.0/24"},
                                  {"MINUTES_PRICES", "a=1.5,b=2"},
                                  {"MINUTES_UNRELATED", "x"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.port, 9000);
  EXPECT_EQ(config->server.host, "a.example");  // not overridden: file value stays
  EXPECT_EQ(config->log.level, "warn");
  EXPECT_EQ(config->auth.jwt_secret, "s3cret");
  EXPECT_EQ(config->database, "postgresql://u:p@h/db");
  EXPECT_EQ(config->server.trusted_proxies,
            (std::vector<std::string>{"10.0.0.0/8", "192.168.1.0/24"}));
  EXPECT_EQ(config->prices, (std::map<std::string, double>{{"a", 1.5}, {"b", 2}}));
}

TEST_F(ConfigLoadTest, BadEnvironmentValueNamesKeyAndVariable) {
  std::string msg = ErrorOf("", {{"MINUTES_SERVER_PORT", "abc"}});
  EXPECT_EQ(msg, "server.port: expected an integer, got \"abc\" (from MINUTES_SERVER_PORT)");
}

TEST_F(ConfigLoadTest, WebhookAndHealthKeysHaveDefaultsAndAreChecked) {
  auto defaults = LoadConfig("", {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->webhooks.allow_private_networks);
  EXPECT_EQ(defaults->webhooks.max_per_tenant, 20);
  EXPECT_EQ(defaults->health.min_free_mb, 1024);
  EXPECT_EQ(defaults->health.min_free_percent, 5);
  auto set = LoadConfig(Write("webhooks: {allow_private_networks: true, max_per_tenant: 5}\n"
                              "health: {min_free_mb: 0, min_free_percent: 10}\n"),
                        {});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_TRUE(set->webhooks.allow_private_networks);
  EXPECT_EQ(set->webhooks.max_per_tenant, 5);
  EXPECT_EQ(set->health.min_free_percent, 10);
  auto env = LoadConfig("", {{"MINUTES_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "Yes"}});
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_TRUE(env->webhooks.allow_private_networks);
  EXPECT_EQ(ErrorOf("", {{"MINUTES_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "maybe"}}),
            "webhooks.allow_private_networks: expected true or false, got \"maybe\" (from "
            "MINUTES_WEBHOOKS_ALLOW_PRIVATE_NETWORKS)");
  EXPECT_EQ(ErrorOf(Write("webhooks: {max_per_tenant: 0}\n")),
            "webhooks.max_per_tenant: must be between 1 and 1000, got 0");
  EXPECT_EQ(ErrorOf(Write("health: {min_free_percent: 101}\n")),
            "health.min_free_percent: must be between 0 and 100, got 101");
}

TEST_F(ConfigLoadTest, LimitsHaveDefaultsEnvironmentOverridesAndAreChecked) {
  auto defaults = LoadConfig("", {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->limits.max_duration_s, 14400);
  EXPECT_EQ(defaults->limits.tenant_storage_mb, 0);
  EXPECT_EQ(defaults->limits.tenant_queued_tasks, 100);
  EXPECT_EQ(defaults->limits.user_uploads_per_minute, 30);
  EXPECT_EQ(defaults->limits.user_upload_mb_per_hour, 4096);
  auto set = LoadConfig(Write("limits: {max_duration_s: 600, tenant_storage_mb: 2048}\n"),
                        {{"MINUTES_LIMITS_TENANT_QUEUED_TASKS", "5"},
                         {"MINUTES_LIMITS_USER_UPLOADS_PER_MINUTE", "0"},
                         {"MINUTES_LIMITS_USER_UPLOAD_MB_PER_HOUR", "0"}});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->limits.max_duration_s, 600);
  EXPECT_EQ(set->limits.tenant_storage_mb, 2048);
  EXPECT_EQ(set->limits.tenant_queued_tasks, 5);
  EXPECT_EQ(set->limits.user_uploads_per_minute, 0);
  EXPECT_EQ(set->limits.user_upload_mb_per_hour, 0);
  EXPECT_EQ(ErrorOf(Write("limits: {max_duration_s: 0}\n")),
            "limits.max_duration_s: must be between 1 and 604800, got 0");
  EXPECT_EQ(ErrorOf(Write("limits: {tenant_storage_mb: -1}\n")),
            "limits.tenant_storage_mb: must be >= 0, got -1");
  EXPECT_EQ(ErrorOf("", {{"MINUTES_LIMITS_TENANT_QUEUED_TASKS", "-2"}}),
            "limits.tenant_queued_tasks: must be between 0 and 1000000, got -2");
  EXPECT_EQ(ErrorOf(Write("limits: {user_uploads_per_minute: 100001}\n")),
            "limits.user_uploads_per_minute: must be between 0 and 100000, got 100001");
  EXPECT_EQ(ErrorOf(Write("limits: {user_upload_mb_per_hour: -1}\n")),
            "limits.user_upload_mb_per_hour: must be >= 0, got -1");
}

TEST_F(ConfigLoadTest, InterpolatesVariables) {
  std::string path = Write("auth: {jwt_secret: \"${JWT}\"}\ndatabase: postgresql://u:${PW}@h/db\n");
  auto config = LoadConfig(path, {{"JWT", "abc"}, {"PW", "pw"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->auth.jwt_secret, "abc");
  EXPECT_EQ(config->database, "postgresql://u:pw@h/db");
}

TEST_F(ConfigLoadTest, InterpolatesIntegers) {
  auto config = LoadConfig(Write("server: {port: \"${PORT}\"}\n"), {{"PORT", "8123"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server.port, 8123);
}

TEST_F(ConfigLoadTest, UnsetVariableNamesKeyAndVariable) {
  std::string msg = ErrorOf(Write("auth: {jwt_secret: \"${JWT_SECRET}\"}\n"));
  EXPECT_EQ(msg.rfind("auth.jwt_secret: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("JWT_SECRET"), std::string::npos) << msg;
}

TEST_F(ConfigLoadTest, DoubleDollarEscapes) {
  auto config = LoadConfig(Write("auth: {jwt_secret: \"a$${JWT}b$c\"}\n"), {{"JWT", "no"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->auth.jwt_secret, "a${JWT}b$c");
}

TEST_F(ConfigLoadTest, MissingFileNamesPath) {
  std::string path = (dir_ / "nope.yaml").string();
  std::string msg = ErrorOf(path);
  EXPECT_EQ(msg.rfind(path + ":", 0), 0u) << msg;
}

TEST_F(ConfigLoadTest, SyntaxErrorBecomesStatus) {
  std::string path = Write("server: {port: [\n");
  std::string msg = ErrorOf(path);
  EXPECT_EQ(msg.rfind(path + ":", 0), 0u) << msg;
}

TEST_F(ConfigLoadTest, UnknownKeysNamed) {
  EXPECT_EQ(ErrorOf(Write("server: {prot: 1}\n")), "server.prot: unknown key");
  EXPECT_EQ(ErrorOf(Write("srever: {port: 1}\n")), "srever: unknown key");
  EXPECT_EQ(ErrorOf(Write("log: {level: info, colour: red}\n")), "log.colour: unknown key");
}

// Found by config_fuzz: two price keys of bytes that are not text printed alike, so what
// `config show` printed did not load back as the same configuration. Keys are names: UTF-8
// without control characters.
TEST_F(ConfigLoadTest, PriceKeysArePrintableNames) {
  EXPECT_EQ(ErrorOf(Write("prices:\n  \"openai\\tgpt.input_1k_tokens\": 1\n")),
            "prices: \"openai\\x09gpt.input_1k_tokens\" is not a name (control characters or "
            "bytes that are not UTF-8)");
  EXPECT_NE(ErrorOf(Write("prices:\n  hand\xfa\xfaler: 1\n  hand\xfa\xealer: 2\n")).find("\\xfa"),
            std::string::npos);
  auto ok = LoadConfig(Write("prices: {bedrock.amazon.nova-pro-v1:0.input_1k_tokens: 0.0008, "
                             "ollama.qwen2.5:7b.output_1k_tokens: 0, \"通义.qwen\": 1}\n"),
                       {});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->prices.size(), 3u);
}

TEST_F(ConfigLoadTest, WrongTypesNamed) {
  EXPECT_EQ(ErrorOf(Write("server: {port: abc}\n")),
            "server.port: expected an integer, got \"abc\"");
  EXPECT_EQ(ErrorOf(Write("server: {port: 80.5}\n")),
            "server.port: expected an integer, got \"80.5\"");
  EXPECT_EQ(ErrorOf(Write("server: 8000\n")), "server: expected a map, got \"8000\"");
  EXPECT_EQ(ErrorOf(Write("log: {level: [a]}\n")), "log.level: expected a string, got a list");
  EXPECT_EQ(ErrorOf(Write("server: {trusted_proxies: 10.0.0.0/8}\n")),
            "server.trusted_proxies: expected a list, got \"10.0.0.0/8\"");
  EXPECT_EQ(ErrorOf(Write("prices: {x: cheap}\n")), "prices.x: expected a number, got \"cheap\"");
}

struct BadValue {
  std::string yaml;
  std::string key;
};

TEST_F(ConfigLoadTest, EveryValidationErrorStartsWithItsKey) {
  const std::vector<BadValue> cases = {
      {"server: {port: -1}", "server.port: "},
      {"worker: {lease_s: 1}", "worker.lease_s: "},
      {"worker: {light_threads: 0}", "worker.light_threads: "},
      {"worker: {max_running_per_tenant: -1}", "worker.max_running_per_tenant: "},
      {"worker: {max_light_running_per_tenant: -1}", "worker.max_light_running_per_tenant: "},
      {"auth: {jwt_algorithm: none}", "auth.jwt_algorithm: "},
      {"auth: {gateway_cidrs: [nonsense]}", "auth.gateway_cidrs[0]: "},
      {"server: {port: 65536}", "server.port: "},
      {"server: {host: ''}", "server.host: "},
      {"server: {workers: -1}", "server.workers: "},
      {"server: {max_upload_mb: 0}", "server.max_upload_mb: "},
      {"server: {trusted_proxies: [10.0.0.0/8, 10.0.0.1]}", "server.trusted_proxies[1]: "},
      {"server: {trusted_proxies: [10.0.0.0/33]}", "server.trusted_proxies[0]: "},
      {"server: {trusted_proxies: ['::1/129']}", "server.trusted_proxies[0]: "},
      {"server: {trusted_proxies: [300.0.0.0/8]}", "server.trusted_proxies[0]: "},
      {"data_dir: ''", "data_dir: "},
      {"database: mysql://u:pw@h/db", "database: "},
      {"storage: /tmp/objects", "storage: "},
      {"queue: kafka://x", "queue: "},
      {"auth: {jwt_ttl_s: 0}", "auth.jwt_ttl_s: "},
      {"auth: {password_min_length: 4}", "auth.password_min_length: "},
      {"auth: {login_free_failures: 0}", "auth.login_free_failures: "},
      {"auth: {login_free_failures_per_address: 0}", "auth.login_free_failures_per_address: "},
      {"auth: {login_delay_base_s: 0}", "auth.login_delay_base_s: "},
      {"auth: {login_delay_base_s: 60, login_delay_max_s: 30}", "auth.login_delay_max_s: "},
      {"auth: {password_hash_concurrency: 0}", "auth.password_hash_concurrency: "},
      {"auth: {password_hash_queue: -1}", "auth.password_hash_queue: "},
      {"asr: {threads: -2}", "asr.threads: "},
      {"log: {level: loud}", "log.level: "},
      {"log: {format: xml}", "log.format: "},
      {"prices: {x: -1}", "prices.x: "},
  };
  for (const auto& c : cases) {
    std::string msg = ErrorOf(Write(c.yaml + "\n"));
    EXPECT_EQ(msg.rfind(c.key, 0), 0u) << c.yaml << " -> " << msg;
  }
  EXPECT_EQ(ErrorOf(Write("database: mysql://u:pw@h/db\n")).find("pw"), std::string::npos);
}

TEST_F(ConfigLoadTest, AcceptsValidAlternatives) {
  auto config = LoadConfig(Write(R"(
server: {port: 65535, workers: 0, trusted_proxies: [0.0.0.0/0, "2001:db8::/32"]}
database: sqlite:///tmp/x.db
storage: s3://bucket/prefix
log: {level: trace, format: text}
)"),
                           {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->storage, "s3://bucket/prefix");
}

// The HTTP edge's keys (server.io_threads … server.drain_timeout_s).

TEST(ConfigEdge, Defaults) {
  auto config = LoadConfig("", {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  const ServerConfig& s = config->server;
  EXPECT_EQ(s.io_threads, 0);
  EXPECT_EQ(s.handler_threads, 0);
  EXPECT_EQ(s.handler_queue, 256);
  EXPECT_EQ(s.header_timeout_s, 10);
  EXPECT_EQ(s.body_idle_timeout_s, 30);
  EXPECT_EQ(s.keepalive_timeout_s, 65);
  EXPECT_EQ(s.request_timeout_s, 60);
  EXPECT_EQ(s.max_header_bytes, 16384);
  EXPECT_EQ(s.max_request_line_bytes, 8192);
  EXPECT_EQ(s.max_connections, 16000);
  EXPECT_EQ(s.max_connections_per_client, 256);
  EXPECT_EQ(s.max_streams_per_user, 16);
  EXPECT_EQ(s.sse_heartbeat_s, 15);
  EXPECT_EQ(s.drain_timeout_s, 10);
}

TEST_F(ConfigLoadTest, EdgeKeysFromYaml) {
  auto config = LoadConfig(Write(R"(
server:
  io_threads: 4
  handler_threads: 32
  handler_queue: 1000
  header_timeout_s: 5
  body_idle_timeout_s: 20
  keepalive_timeout_s: 75
  request_timeout_s: 120
  max_header_bytes: 32768
  max_request_line_bytes: 4096
  max_connections: 50000
  max_connections_per_client: 64
  max_streams_per_user: 4
  sse_heartbeat_s: 30
  drain_timeout_s: 0
)"),
                           {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  const ServerConfig& s = config->server;
  EXPECT_EQ(s.io_threads, 4);
  EXPECT_EQ(s.handler_threads, 32);
  EXPECT_EQ(s.handler_queue, 1000);
  EXPECT_EQ(s.header_timeout_s, 5);
  EXPECT_EQ(s.body_idle_timeout_s, 20);
  EXPECT_EQ(s.keepalive_timeout_s, 75);
  EXPECT_EQ(s.request_timeout_s, 120);
  EXPECT_EQ(s.max_header_bytes, 32768);
  EXPECT_EQ(s.max_request_line_bytes, 4096);
  EXPECT_EQ(s.max_connections, 50000);
  EXPECT_EQ(s.max_connections_per_client, 64);
  EXPECT_EQ(s.max_streams_per_user, 4);
  EXPECT_EQ(s.sse_heartbeat_s, 30);
  EXPECT_EQ(s.drain_timeout_s, 0);
  // `config show` prints them and reads them back.
  std::string shown = ShowConfig(*config);
  EXPECT_NE(shown.find("header_timeout_s: 5"), std::string::npos) << shown;
  EXPECT_NE(shown.find("max_connections_per_client: 64"), std::string::npos) << shown;
  auto again = LoadConfig(Write(shown), {});
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << shown;
  EXPECT_TRUE(again->server == config->server) << shown;
}

TEST_F(ConfigLoadTest, EdgeKeysFromEnvironmentWinOverFile) {
  std::string path =
      Write("server: {handler_threads: 8, header_timeout_s: 5, drain_timeout_s: 3}\n");
  auto config = LoadConfig(path, {{"MINUTES_SERVER_IO_THREADS", "2"},
                                  {"MINUTES_SERVER_HANDLER_THREADS", "64"},
                                  {"MINUTES_SERVER_HANDLER_QUEUE", "512"},
                                  {"MINUTES_SERVER_HEADER_TIMEOUT_S", "15"},
                                  {"MINUTES_SERVER_BODY_IDLE_TIMEOUT_S", "45"},
                                  {"MINUTES_SERVER_KEEPALIVE_TIMEOUT_S", "90"},
                                  {"MINUTES_SERVER_REQUEST_TIMEOUT_S", "30"},
                                  {"MINUTES_SERVER_MAX_HEADER_BYTES", "8192"},
                                  {"MINUTES_SERVER_MAX_REQUEST_LINE_BYTES", "2048"},
                                  {"MINUTES_SERVER_MAX_CONNECTIONS", "1000"},
                                  {"MINUTES_SERVER_MAX_CONNECTIONS_PER_CLIENT", "10"},
                                  {"MINUTES_SERVER_MAX_STREAMS_PER_USER", "2"},
                                  {"MINUTES_SERVER_SSE_HEARTBEAT_S", "5"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  const ServerConfig& s = config->server;
  EXPECT_EQ(s.io_threads, 2);
  EXPECT_EQ(s.handler_threads, 64);
  EXPECT_EQ(s.handler_queue, 512);
  EXPECT_EQ(s.header_timeout_s, 15);
  EXPECT_EQ(s.body_idle_timeout_s, 45);
  EXPECT_EQ(s.keepalive_timeout_s, 90);
  EXPECT_EQ(s.request_timeout_s, 30);
  EXPECT_EQ(s.max_header_bytes, 8192);
  EXPECT_EQ(s.max_request_line_bytes, 2048);
  EXPECT_EQ(s.max_connections, 1000);
  EXPECT_EQ(s.max_connections_per_client, 10);
  EXPECT_EQ(s.max_streams_per_user, 2);
  EXPECT_EQ(s.sse_heartbeat_s, 5);
  EXPECT_EQ(s.drain_timeout_s, 3);  // not overridden: the file's value stays
  EXPECT_EQ(ErrorOf("", {{"MINUTES_SERVER_HANDLER_THREADS", "many"}}),
            "server.handler_threads: expected an integer, got \"many\" "
            "(from MINUTES_SERVER_HANDLER_THREADS)");
}

struct EdgeRange {
  std::string key;  // below "server."
  int min, max;
};

TEST_F(ConfigLoadTest, EdgeKeysOutOfRangeNameTheKey) {
  const std::vector<EdgeRange> ranges = {
      {"io_threads", 0, 64},
      {"handler_threads", 0, 256},
      {"handler_queue", 1, 100000},
      {"header_timeout_s", 1, 3600},
      {"body_idle_timeout_s", 1, 3600},
      {"keepalive_timeout_s", 1, 3600},
      {"request_timeout_s", 1, 3600},
      {"max_header_bytes", 1024, 1048576},
      {"max_request_line_bytes", 256, 1048576},
      {"max_connections", 1, 1000000},
      {"max_connections_per_client", 1, 1000000},
      {"max_streams_per_user", 1, 100000},
      {"sse_heartbeat_s", 1, 3600},
      {"drain_timeout_s", 0, 3600},
  };
  for (const auto& r : ranges) {
    for (int ok : {r.min, r.max}) {
      auto config = LoadConfig(Write("server: {" + r.key + ": " + std::to_string(ok) + "}\n"), {});
      EXPECT_TRUE(config.ok()) << r.key << " = " << ok << ": " << config.status().message();
    }
    for (int bad : {r.min - 1, r.max + 1}) {
      std::string msg = ErrorOf(Write("server: {" + r.key + ": " + std::to_string(bad) + "}\n"));
      EXPECT_EQ(msg.rfind("server." + r.key + ": ", 0), 0u)
          << r.key << " = " << bad << " -> " << msg;
      EXPECT_NE(msg.find(std::to_string(bad)), std::string::npos) << msg;
    }
  }
  EXPECT_EQ(ErrorOf(Write("server: {handler_threads: -1}\n")),
            "server.handler_threads: must be between 0 and 256, got -1");
  EXPECT_EQ(ErrorOf("", {{"MINUTES_SERVER_HEADER_TIMEOUT_S", "0"}}),
            "server.header_timeout_s: must be between 1 and 3600, got 0");
}

TEST(ConfigEnvironment, EnvironmentMapReadsProcessEnvironment) {
  setenv("MINUTES_CONFIG_TEST_VAR", "x=y", 1);
  auto env = EnvironmentMap();
  EXPECT_EQ(env["MINUTES_CONFIG_TEST_VAR"], "x=y");
  unsetenv("MINUTES_CONFIG_TEST_VAR");
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

// Storage credentials: `storage` is a URL, or a map with the URL and the S3 keys; the keys come
// from ${VAR}s or MINUTES_STORAGE_ACCESS_KEY/…_SECRET_KEY and are never shown.
TEST_F(ConfigLoadTest, StorageTakesAUrlOrAMapWithCredentials) {
  std::string path = Write(
      "storage:\n  url: s3://media/rec?endpoint=http://minio:9000&path_style=true\n"
      "  access_key: ${KEY}\n  secret_key: ${SECRET}\n");
  auto config = LoadConfig(path, {{"KEY", "AKIAEXAMPLE"}, {"SECRET", "sekrit-value"}});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->storage, "s3://media/rec?endpoint=http://minio:9000&path_style=true");
  EXPECT_EQ(config->storage_access_key, "AKIAEXAMPLE");
  EXPECT_EQ(config->storage_secret_key, "sekrit-value");
  std::string shown = ShowConfig(*config);
  EXPECT_EQ(shown.find("AKIAEXAMPLE"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("sekrit-value"), std::string::npos) << shown;
  EXPECT_NE(shown.find("url: \"s3://media/rec"), std::string::npos) << shown;
  // What `config show` prints loads back to the same storage URL.
  auto again = LoadConfig(Write(shown), {});
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << shown;
  EXPECT_EQ(again->storage, config->storage);

  auto env = LoadConfig(Write("storage: s3://media\n"),
                        {{"MINUTES_STORAGE_ACCESS_KEY", "k"}, {"MINUTES_STORAGE_SECRET_KEY", "s"}});
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_EQ(env->storage, "s3://media");
  EXPECT_EQ(env->storage_access_key, "k");
  auto bad = LoadConfig(Write("storage: {url: s3://media, colour: red}\n"), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("storage.colour"), std::string::npos);
}

// The template caps (minutes.template_max_kb … minutes.render_timeout_ms).

TEST_F(ConfigLoadTest, TemplateCapsHaveDefaultsAndAreChecked) {
  auto config = LoadConfig("", {});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->minutes.template_max_kb, 64);
  EXPECT_EQ(config->minutes.template_max_depth, 8);
  EXPECT_EQ(config->minutes.render_max_kb, 1024);
  EXPECT_EQ(config->minutes.render_timeout_ms, 1000);
  auto set = LoadConfig(Write("minutes: {template_max_depth: 4, render_max_kb: 256}\n"),
                        {{"MINUTES_MINUTES_RENDER_TIMEOUT_MS", "250"}});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->minutes.template_max_depth, 4);
  EXPECT_EQ(set->minutes.render_max_kb, 256);
  EXPECT_EQ(set->minutes.render_timeout_ms, 250);
  EXPECT_EQ(ErrorOf(Write("minutes: {template_max_depth: 0}\n")),
            "minutes.template_max_depth: must be between 1 and 32, got 0");
  EXPECT_EQ(ErrorOf(Write("minutes: {render_max_kb: 1}\n")),
            "minutes.render_max_kb: must be between 16 and 65536, got 1");
}

}  // namespace
}  // namespace minutes
