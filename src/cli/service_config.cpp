#include "cli/service_config.hpp"

#include <memory>

#include "asr/whisper_transcriber.hpp"

namespace minutes {

CLI::Option* AddOverride(CLI::App* cmd, ConfigFlags* flags, const std::string& name,
                         const std::string& path, const std::string& help) {
  return cmd->add_option_function<std::string>(
      name, [flags, path](const std::string& v) { flags->overrides[path] = v; }, help);
}

void AddConfigFlags(CLI::App* cmd, ConfigFlags* flags) {
  cmd->add_option("--config", flags->config_file, "YAML configuration file");
  AddOverride(cmd, flags, "--data-dir", "data_dir",
              "Data directory: minutes.db, objects, jwt-secret (default ./data)");
  AddOverride(cmd, flags, "--database", "database",
              "Database URL (default sqlite://DATA_DIR/minutes.db)");
  AddOverride(cmd, flags, "--storage", "storage.url",
              "Object storage URL: file:///DIR or s3://bucket/prefix?endpoint=… (default "
              "file://DATA_DIR/objects)");
  AddOverride(cmd, flags, "--queue", "queue", "Job queue: database (default) or redis://…");
}

Result<Config> ResolveConfig(const ConfigFlags& flags) {
  // Flags go in as environment entries: LoadConfig already gives those precedence over the
  // file, and validates and names them the same way.
  auto env = EnvironmentMap();
  for (const auto& [path, value] : flags.overrides) {
    std::string name = "MINUTES_";
    for (char ch : path) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    env[name] = value;
  }
  auto config = LoadConfig(flags.config_file, env);
  if (config.ok()) SetWhisperModelsDir(config->asr.models_dir);  // where the worker finds models
  return config;
}

AccountOptions AccountOptionsFrom(const Config& config) {
  const AuthConfig& a = config.auth;
  AccountOptions o;
  o.policy.min_length = a.password_min_length;
  o.throttle.free_failures_per_user = a.login_free_failures;
  o.throttle.free_failures_per_address = a.login_free_failures_per_address;
  o.throttle.base_delay_s = a.login_delay_base_s;
  o.throttle.max_delay_s = a.login_delay_max_s;
  o.hash_concurrency = a.password_hash_concurrency;
  o.hash_queue = a.password_hash_queue;
  return o;
}

}  // namespace minutes
