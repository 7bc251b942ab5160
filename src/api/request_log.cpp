#include "api/request_log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

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
  // The regex is costly; most strings have neither marker, and those skip it.
  if (text.find("mk_") == std::string::npos && text.find("Bearer") == std::string::npos &&
      text.find("eyJ") == std::string::npos)
    return text;
  static const std::regex kSecrets(
      R"((mk_[0-9a-fA-F]{6,})|(Bearer\s+[A-Za-z0-9._~+/=-]+)|(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9._-]+))");
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

namespace {

// Request lines are gathered and written by one thread every 50 ms (or at 256 KiB): one
// write(2) per request cost a tenth of the throughput. Flushed at exit.
class LogSink {
 public:
  static LogSink& Get() {
    static LogSink* sink = new LogSink;  // lives until exit; its thread flushes
    return *sink;
  }
  void Write(const std::string& line) {
    std::lock_guard lock(mu_);
    buffer_ += line;
    if (buffer_.size() >= (256 << 10)) FlushLocked();
  }

 private:
  LogSink() {
    std::thread([this] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::lock_guard lock(mu_);
        FlushLocked();
      }
    }).detach();
    std::atexit([] { LogSink::Get().Flush(); });
  }
  void Flush() {
    std::lock_guard lock(mu_);
    FlushLocked();
  }
  void FlushLocked() {
    if (buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stderr);
    std::fflush(stderr);
    buffer_.clear();
  }
  std::mutex mu_;
  std::string buffer_;
};

// JSON string escaping for the log line (built by hand: this runs on every request).
void Quote(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void Field(std::string& out, const char* name, const std::string& value) {
  out += ",\"";
  out += name;
  out += "\":";
  Quote(out, value);
}

}  // namespace

void LogRequest(const LogConfig& log, const Request& req, int status, double ms) {
  if (log.level == "warn" || log.level == "error") {
    if (status < 500 && (log.level == "error" || status < 400)) return;
  }
  const char* level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  std::string path = RedactText(req.path);
  static const bool tty = isatty(STDERR_FILENO);
  std::string line;
  line.reserve(512);
  if (log.format == "text" || (log.format == "auto" && tty)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %d %.1fms ", status, ms);
    line = NowIso() + " " + req.method + " " + path + buf + "id=" + req.request_id +
           " client=" + req.client_address + "\n";
  } else {
    line = "{\"time\":";
    Quote(line, NowIso());
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
      Quote(line, k);
      line += ':';
      Quote(line, SecretKey(k) ? "[redacted]" : RedactText(v));
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
  LogSink::Get().Write(line);
}

}  // namespace minutes
