#pragma once
// One log line per request — JSON lines (text on a terminal) with the request id — and the
// redaction that keeps passwords, tokens and keys out of every log line.
#include <string>
#include <vector>

#include "http/message.hpp"
#include "config/config.hpp"

namespace minutes {

/// The client's address: the peer, or — when the peer is one of `trusted_proxies` — the
/// nearest untrusted address in X-Forwarded-For.
std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

/// Writes the request's line to the log (level and format from ConfigureLog).
void LogRequest(const Request& req, int status, double ms);

}  // namespace minutes
