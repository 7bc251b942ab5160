#include "log/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <thread>

#include "core/clock.hpp"

namespace minutes {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> as_text{false};
const bool kTty = isatty(STDERR_FILENO);
const bool kInit = [] {
  as_text = kTty;
  return true;
}();

// Lines are gathered and written by one thread every 50 ms (or at 256 KiB): one write(2) per
// request cost a tenth of the API's throughput. Flushed at exit.
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
  void Flush() {
    std::lock_guard lock(mu_);
    FlushLocked();
  }

 private:
  LogSink() {
    std::thread([this] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        Flush();
      }
    }).detach();
    std::atexit([] { LogSink::Get().Flush(); });
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

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void ConfigureLog(const std::string& level, const std::string& format) {
  (void)kInit;
  if (level == "trace" || level == "debug") min_level = static_cast<int>(LogLevel::kDebug);
  if (level == "info") min_level = static_cast<int>(LogLevel::kInfo);
  if (level == "warn") min_level = static_cast<int>(LogLevel::kWarn);
  if (level == "error") min_level = static_cast<int>(LogLevel::kError);
  if (format == "json") as_text = false;
  if (format == "text") as_text = true;
  if (format == "auto") as_text = kTty;
}

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= min_level; }
bool LogAsText() { return as_text; }

void JsonQuote(std::string& out, std::string_view s) {
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

void LogEvent(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (!LogEnabled(level)) return;
  nlohmann::json safe = Redact(fields);
  std::string line;
  if (as_text) {
    line = NowIso() + " " + LevelName(level) + " " + std::string(event);
    if (safe.is_object())
      for (auto& [k, v] : safe.items())
        line += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  } else {
    line = "{\"time\":";
    JsonQuote(line, NowIso());
    line += ",\"level\":";
    JsonQuote(line, LevelName(level));
    line += ",\"event\":";
    JsonQuote(line, event);
    if (safe.is_object())
      for (auto& [k, v] : safe.items()) {
        line += ',';
        JsonQuote(line, k);
        line += ':';
        line += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
    line += '}';
  }
  line += '\n';
  LogSink::Get().Write(line);
}

void LogLine(std::string line) { LogSink::Get().Write(line); }
void FlushLog() { LogSink::Get().Flush(); }

bool SecretKey(std::string_view name) {
  std::string key(name);
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* s : {"password", "secret", "token", "authorization", "api_key", "apikey"})
    if (key.find(s) != std::string::npos) return true;
  return key == "key" || key.ends_with("_key");
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

}  // namespace minutes
