#pragma once
// The configuration every service command reads: --config FILE, MINUTES_* environment, and the
// command's own flags on top (flags > environment > file > defaults).
#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "auth/accounts.hpp"
#include "config/config.hpp"

namespace minutes {

/// Flags shared by serve, worker and the admin commands.
struct ConfigFlags {
  std::string config_file;
  /// Flag values by config key path ("data_dir", "server.port"), set only when given.
  std::map<std::string, std::string> overrides;
};

/// Adds --config, --data-dir and --database to `cmd`.
void AddConfigFlags(CLI::App* cmd, ConfigFlags* flags);

/// Adds a flag that overrides config key `path` when given (its value stored as text).
CLI::Option* AddOverride(CLI::App* cmd, ConfigFlags* flags, const std::string& name,
                         const std::string& path, const std::string& help);

/// The effective configuration; BadInput naming the key when it is invalid.
Result<Config> ResolveConfig(const ConfigFlags& flags);

/// The account rules from the `auth.*` keys (password policy, login throttle, hash slots).
AccountOptions AccountOptionsFrom(const Config& config);

}  // namespace minutes
