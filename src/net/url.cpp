#include "net/url.hpp"

#include <uriparser/Uri.h>

#include <algorithm>
#include <memory>

#include "core/text.hpp"

namespace minutes {
namespace {

std::string Text(const UriTextRangeA& r) {
  return r.first == nullptr ? std::string() : std::string(r.first, r.afterLast);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Owns a parsed UriUriA (its members point into the parsed text).
struct UriFree {
  void operator()(UriUriA* u) const {
    uriFreeUriMembersA(u);
    delete u;
  }
};
using UriPtr = std::unique_ptr<UriUriA, UriFree>;

}  // namespace

std::string Url::User() const {
  auto decoded = PercentDecode(user_info.substr(0, user_info.find(':')));
  return decoded.ok() ? *decoded : std::string();  // ParseUrl checked the escapes
}

std::string Url::Password() const {
  size_t colon = user_info.find(':');
  if (colon == std::string::npos) return "";
  auto decoded = PercentDecode(std::string_view(user_info).substr(colon + 1));
  return decoded.ok() ? *decoded : std::string();
}

std::string Url::HostPort() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0) out += ":" + std::to_string(port);
  return out;
}

Result<QueryParams> Url::Params() const { return ParseQuery(query); }

Result<Url> ParseUrl(std::string_view text) {
  if (text.empty()) return Status::BadInput("an empty URL");
  const char* error_pos = nullptr;
  auto* raw = new UriUriA{};
  if (int rc = uriParseSingleUriExA(raw, text.data(), text.data() + text.size(), &error_pos);
      rc != URI_SUCCESS) {
    delete raw;  // the parser freed its members
    if (rc == URI_ERROR_MALLOC) throw std::bad_alloc();
    size_t at = error_pos ? static_cast<size_t>(error_pos - text.data()) : 0;
    return Status::BadInput("malformed URL at character " + std::to_string(at + 1));
  }
  UriPtr uri(raw);
  Url out;
  out.scheme = AsciiLower(Text(uri->scheme));
  if (out.scheme.empty()) return Status::BadInput("not an absolute URL (no scheme:)");
  out.user_info = Text(uri->userInfo);
  out.host = AsciiLower(Text(uri->hostText));
  if (std::string port = Text(uri->portText); !port.empty()) {
    // The grammar allows any number of digits; a port is 1–65535.
    if (port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535)
      return Status::BadInput("port " + port + " is not between 1 and 65535");
    out.port = std::stoi(port);
  }
  // Segments joined with '/' (an empty segment's text points at a static "", not into `text`).
  bool rooted = uri->hostText.first != nullptr || uri->absolutePath;
  for (const UriPathSegmentA* s = uri->pathHead; s != nullptr; s = s->next)
    out.path += (s == uri->pathHead && !rooted ? "" : "/") + Text(s->text);
  out.query = Text(uri->query);
  out.fragment = Text(uri->fragment);
  return out;
}

Result<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return Status::BadInput("malformed percent-escape at character " + std::to_string(i + 1));
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += plus_as_space && c == '+' ? ' ' : c;
    }
  }
  return out;
}

Result<QueryParams> ParseQuery(std::string_view query) {
  QueryParams out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name.ok()) return Status::BadInput("query parameter: " + name.status().message());
    if (!value.ok())
      return Status::BadInput("query parameter " + *name + ": " + value.status().message());
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

bool IsSecretName(std::string_view name) {
  const std::string lower = AsciiLower(name);
  for (const char* suffix : {"secret", "password", "passwd", "token", "key"})
    if (lower.ends_with(suffix)) return true;
  return false;
}

namespace {

constexpr size_t kNone = std::string_view::npos;

// The index of the '@' that ends the user info of `url`, whose authority starts at `start`
// (just past "://"); kNone when there is no user info.
size_t UserInfoEnd(std::string_view url, size_t start) {
  if (url.substr(start, 1) == "/") return kNone;  // "file:///…": no authority at all
  auto parsed = ParseUrl(url);
  if (!parsed.ok() || parsed->host.empty()) {
    // Not a URL with a host: an unescaped '@', '/', '?' or '#' in a password, most likely.
    size_t at = url.rfind('@');
    return at != kNone && at >= start ? at : kNone;
  }
  size_t at = kNone;
  if (!parsed->user_info.empty() || url.substr(start, 1) == "@")
    at = start + parsed->user_info.size();
  // libpq (and others) take a '@' before the first '/' to end a user info, so to them a '?' or
  // '#' in the password changes nothing ("u:12#ab@h" is user u, password 12#ab).
  size_t slash = url.find('/', start);
  size_t last = url.substr(0, slash).rfind('@');
  if (last != kNone && last >= start && (at == kNone || last > at)) at = last;
  return at;
}

// `query` (without '?') with the values of secret-named parameters masked.
std::string MaskQuery(std::string_view query) {
  std::string out;
  for (size_t pos = 0; pos <= query.size();) {
    size_t amp = std::min(query.find('&', pos), query.size());
    std::string_view param = query.substr(pos, amp - pos);
    size_t eq = param.find('=');
    std::string_view raw_name = param.substr(0, eq);
    auto name = PercentDecode(raw_name, true);
    if (eq != kNone && IsSecretName(name.ok() ? std::string_view(*name) : raw_name)) {
      out.append(param.substr(0, eq + 1));
      out.append(kMasked);
    } else {
      out.append(param);
    }
    if (amp < query.size()) out += '&';
    pos = amp + 1;
  }
  return out;
}

}  // namespace

std::string MaskUrl(std::string_view url, UrlMasking masking) {
  const bool config = masking == UrlMasking::kConfigUrl;
  const size_t scheme_end = url.find("://");
  std::string out;
  size_t rest = 0;  // where the part after the user info starts
  if (scheme_end != kNone || !config) {
    const size_t start = scheme_end == kNone ? 0 : scheme_end + 3;
    out.append(url.substr(0, start));
    rest = start;
    if (size_t at = UserInfoEnd(url, start); at != kNone) {
      std::string_view info = url.substr(start, at - start);
      const std::string scheme = AsciiLower(url.substr(0, scheme_end == kNone ? 0 : scheme_end));
      if (size_t colon = info.find(':'); config && colon != kNone) {
        out.append(info.substr(0, colon + 1));
        out.append(kMasked);
      } else if (config && (scheme == "postgresql" || scheme == "postgres")) {
        out.append(info);  // a user name alone
      } else {
        out.append(kMasked);
      }
      rest = at;
    }
  }
  std::string_view tail = url.substr(rest);
  const size_t q = tail.find_first_of(config ? "?" : "?#");
  if (q == kNone || (config && scheme_end == kNone)) {
    out.append(tail);
    return out;
  }
  out.append(tail.substr(0, q));
  if (!config) return out;
  const size_t hash = std::min(tail.find('#', q), tail.size());
  out += '?';
  out += MaskQuery(tail.substr(q + 1, hash - q - 1));
  out.append(tail.substr(hash));
  return out;
}

}  // namespace minutes
