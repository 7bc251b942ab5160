#include "api/request_log.hpp"

#include <cstdio>
#include <sstream>

#include "api/authenticator.hpp"
#include "auth/accounts.hpp"
#include "log/log.hpp"

namespace minutes {

std::string ClientAddress(const std::string& peer, const std::string& forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](const std::string& a) {
    for (const auto& cidr : trusted_proxies)
      if (InCidr(a, cidr)) return true;
    return false;
  };
  if (forwarded_for.empty() || !trusted(peer)) return peer;
  // Right to left: each trusted proxy appended the address it saw.
  std::vector<std::string> hops;
  std::stringstream ss(forwarded_for);
  for (std::string h; std::getline(ss, h, ',');) {
    h.erase(0, h.find_first_not_of(' '));
    h.erase(h.find_last_not_of(' ') + 1);
    if (!h.empty()) hops.push_back(h);
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it)
    if (!trusted(*it)) return *it;
  return hops.empty() ? peer : hops.front();
}

namespace {
void Field(std::string& out, const char* name, const std::string& value) {
  out += ",\"";
  out += name;
  out += "\":";
  JsonQuote(out, value);
}
}  // namespace

void LogRequest(const Request& req, int status, double ms) {
  LogLevel lvl = status >= 500   ? LogLevel::kError
                 : status >= 400 ? LogLevel::kWarn
                                 : LogLevel::kInfo;
  if (!LogEnabled(lvl)) return;
  const char* level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  std::string path = RedactText(req.path);
  std::string line;
  line.reserve(512);
  if (LogAsText()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %d %.1fms ", status, ms);
    line = NowIso() + " " + req.method + " " + path + buf + "id=" + req.request_id +
           " client=" + req.client_address + "\n";
  } else {
    line = "{\"time\":";
    JsonQuote(line, NowIso());
    Field(line, "level", level);
    Field(line, "event", "http_request");
    Field(line, "request_id", req.request_id);
    Field(line, "method", req.method);
    Field(line, "route", req.route);
    Field(line, "path", path);
    line += ",\"query\":{";
    bool first = true;
    for (auto& [k, v] : req.query) {
      if (!first) line += ',';
      first = false;
      JsonQuote(line, k);
      line += ':';
      JsonQuote(line, SecretKey(k) ? "[redacted]" : RedactText(v));
    }
    char buf[96];
    std::snprintf(buf, sizeof buf, "},\"status\":%d,\"duration_ms\":%.3f", status, ms);
    line += buf;
    Field(line, "client", req.client_address);
    if (req.principal) {
      Field(line, "user_id", req.principal->user_id);
      Field(line, "tenant_id", req.principal->tenant_id);
    }
    line += "}\n";
  }
  LogLine(std::move(line));
}

}  // namespace minutes
