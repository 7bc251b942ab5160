#pragma once
// Internal to the config room: the table of keys that drives loading, overrides and printing.
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace minutes::config_detail {

/// Where one key's value lives inside a Config.
using FieldRef = std::variant<std::string*, int*, std::vector<std::string>*,
                              std::map<std::string, double>*, bool*>;

/// One configuration key: its dotted path ("server.port") and its storage.
struct Field {
  std::string path;  ///< Dotted key path as written in YAML.
  FieldRef ref;      ///< Pointer into the Config the table was built for.
};

/// Every key of `config`, grouped by section in declaration order.
std::vector<Field> Fields(Config& config);

/// MINUTES_ + path upper-cased, dots to underscores.
std::string EnvName(std::string_view path);

/// Parses a whole decimal integer; the error names `path`.
Result<int> ParseInt(const std::string& path, const std::string& text);

/// Parses true/false (also yes/no, on/off, 1/0, any case); the error names `path`.
Result<bool> ParseBool(const std::string& path, const std::string& text);

/// Parses a whole decimal number; the error names `path`.
Result<double> ParseDouble(const std::string& path, const std::string& text);

/// Sets `field` from plain text (an environment value); lists split on ',', maps on ',' and '='.
Status AssignText(const Field& field, const std::string& text);

/// Replaces `${VAR}` from `env`; `$${` is a literal `${`. Errors name `path` and the variable.
Result<std::string> Interpolate(const std::string& path, const std::string& text,
                                const std::map<std::string, std::string>& env);

/// Fills empty database/storage from data_dir, then checks every value.
Status DeriveAndValidate(Config& config);

}  // namespace minutes::config_detail
