#include "api/request_log.hpp"

#include <unistd.h>

#include <cstdio>
#include <regex>
#include <sstream>

#include "api/authenticator.hpp"
#include "auth/accounts.hpp"

namespace minutes {
namespace {

bool SecretKey(std::string key) {
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* s : {"password", "secret", "token", "authorization", "api_key", "apikey"})
    if (key.find(s) != std::string::npos) return true;
  return key == "key" || key.ends_with("_key");
}

}  // namespace

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

std::string RedactText(const std::string& text) {
  static const std::regex kSecrets(R"((mk_[0-9a-fA-F]{6,})|(Bearer\s+[A-Za-z0-9._~+/=-]+))");
  return std::regex_replace(text, kSecrets, "[redacted]");
}

nlohmann::json Redact(const nlohmann::json& fields) {
  if (fields.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : fields.items()) out[k] = SecretKey(k) ? "[redacted]" : Redact(v);
    return out;
  }
  if (fields.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& v : fields) out.push_back(Redact(v));
    return out;
  }
  if (fields.is_string()) return RedactText(fields.get<std::string>());
  return fields;
}

void LogRequest(const LogConfig& log, const Request& req, int status, double ms) {
  if (log.level == "warn" || log.level == "error") {
    if (status < 500 && (log.level == "error" || status < 400)) return;
  }
  nlohmann::json query = nlohmann::json::object();
  for (auto& [k, v] : req.query) query[k] = v;
  nlohmann::json line = {{"time", NowIso()},
                         {"level", status >= 500   ? "error"
                                   : status >= 400 ? "warn"
                                                   : "info"},
                         {"event", "http_request"},
                         {"request_id", req.request_id},
                         {"method", req.method},
                         {"route", req.route},
                         {"path", req.path},
                         {"query", query},
                         {"status", status},
                         {"duration_ms", ms},
                         {"client", req.client_address}};
  if (req.principal) {
    line["user_id"] = req.principal->user_id;
    line["tenant_id"] = req.principal->tenant_id;
  }
  line = Redact(line);
  static const bool tty = isatty(STDERR_FILENO);
  std::string text;
  if (log.format == "text" || (log.format == "auto" && tty)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %d %.1fms ", status, ms);
    text = line["time"].get<std::string>() + " " + req.method + " " +
           line["path"].get<std::string>() + buf + "id=" + req.request_id +
           " client=" + req.client_address + "\n";
  } else {
    text = line.dump() + "\n";
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace minutes
