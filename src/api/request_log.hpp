#pragma once
// One log line per request — JSON lines (text on a terminal) with the request id — and the
// redaction that keeps passwords, tokens and keys out of every log line.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/http.hpp"
#include "config/config.hpp"

namespace minutes {

/// The client's address: the peer, or — when the peer is one of `trusted_proxies` — the
/// nearest untrusted address in X-Forwarded-For.
std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

/// `fields` with the values of secret-looking keys (password, secret, token, key,
/// authorization) replaced by "[redacted]", and mk_… keys / Bearer tokens masked in strings.
nlohmann::json Redact(const nlohmann::json& fields);
std::string RedactText(const std::string& text);

/// Writes the request's line to stderr per config log.format / log.level.
void LogRequest(const LogConfig& log, const Request& req, int status, double ms);

}  // namespace minutes
