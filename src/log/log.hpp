#pragma once
// The process's log: one JSON line per event (text on a terminal), written to stderr in batches,
// with passwords, tokens and keys redacted from every line.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace minutes {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// Sets the level (trace|debug|info|warn|error) and format (auto|json|text; auto = text on a
/// terminal, else JSON) for the rest of the process. Unknown values keep the defaults (info,
/// auto); config validation refuses them before this is called.
void ConfigureLog(const std::string& level, const std::string& format);
bool LogEnabled(LogLevel level);
/// True when lines are text for a person rather than JSON.
bool LogAsText();

/// One event: {"time","level","event", ...fields} with secret-looking fields redacted.
void LogEvent(LogLevel level, std::string_view event,
              const nlohmann::json& fields = nlohmann::json::object());
/// A finished line (ending in '\n') for the batched writer; for hand-built hot-path lines.
void LogLine(std::string line);
/// Writes everything pending now (before _exit, which skips the flush at exit).
void FlushLog();

/// Appends `s` to `out` as a JSON string literal.
void JsonQuote(std::string& out, std::string_view s);

/// Whether a field or parameter name holds a secret (password, secret, token, key, …).
bool SecretKey(std::string_view key);
/// `fields` with the values of secret-looking keys replaced by "[redacted]", and mk_… keys,
/// Bearer tokens and JWTs masked inside strings.
nlohmann::json Redact(const nlohmann::json& fields);
std::string RedactText(const std::string& text);

}  // namespace minutes
