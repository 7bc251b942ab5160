#include "net/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/text.hpp"
#include "crypto/hex.hpp"
#include "crypto/hmac.hpp"
#include "crypto/sha256.hpp"

namespace minutes {
namespace {

// Trims and collapses runs of spaces, as the canonical header value requires.
std::string Trimmed(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string Scope(const SigV4Scope& s) {
  return s.amz_date.substr(0, 8) + "/" + s.region + "/" + s.service + "/aws4_request";
}

std::string Signature(const std::string& string_to_sign, const AwsCredentials& c,
                      const SigV4Scope& s) {
  std::string k = HmacSha256("AWS4" + c.secret_key, s.amz_date.substr(0, 8));
  k = HmacSha256(k, s.region);
  k = HmacSha256(k, s.service);
  k = HmacSha256(k, "aws4_request");
  std::string sig = HmacSha256(k, string_to_sign);
  return HexEncode(sig);
}

struct Canonical {
  std::string request, signed_headers;
};

Canonical Canonicalise(const SigV4Request& r,
                       std::vector<std::pair<std::string, std::string>> headers,
                       const std::vector<std::pair<std::string, std::string>>& query) {
  for (auto& [k, v] : headers) k = AsciiLower(k), v = Trimmed(v);
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers, signed_headers;
  for (auto& [k, v] : headers) {
    canonical_headers += k + ":" + v + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + k;
  }
  Canonical c;
  c.signed_headers = signed_headers;
  c.request = r.method + "\n" + CanonicalPath(r.path) + "\n" + CanonicalQuery(query) + "\n" +
              canonical_headers + "\n" + signed_headers + "\n" + r.payload_hash;
  return c;
}

std::string StringToSign(const std::string& canonical_request, const SigV4Scope& s) {
  return "AWS4-HMAC-SHA256\n" + s.amz_date + "\n" + Scope(s) + "\n" + Sha256Hex(canonical_request);
}

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string CanonicalPath(std::string_view path) {
  return path.empty() ? "/" : UriEncode(path, false);
}

std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> query) {
  for (auto& [k, v] : query) k = UriEncode(k, true), v = UriEncode(v, true);
  std::sort(query.begin(), query.end());
  std::string out;
  for (auto& [k, v] : query) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SignedRequest SignV4(const SigV4Request& r, const AwsCredentials& creds, const SigV4Scope& scope) {
  SignedRequest out;
  out.headers = {{"x-amz-date", scope.amz_date}, {"x-amz-content-sha256", r.payload_hash}};
  if (!creds.session_token.empty())
    out.headers.push_back({"x-amz-security-token", creds.session_token});
  auto headers = r.headers;
  headers.push_back({"host", r.host});
  headers.insert(headers.end(), out.headers.begin(), out.headers.end());
  Canonical c = Canonicalise(r, headers, r.query);
  out.canonical_request = c.request;
  out.string_to_sign = StringToSign(c.request, scope);
  out.signature = Signature(out.string_to_sign, creds, scope);
  out.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=" + creds.access_key + "/" +
                                              Scope(scope) + ",SignedHeaders=" + c.signed_headers +
                                              ",Signature=" + out.signature});
  return out;
}

std::string PresignV4(const std::string& scheme, const SigV4Request& r, const AwsCredentials& creds,
                      const SigV4Scope& scope, int expires_s) {
  auto query = r.query;
  query.push_back({"X-Amz-Algorithm", "AWS4-HMAC-SHA256"});
  query.push_back({"X-Amz-Credential", creds.access_key + "/" + Scope(scope)});
  query.push_back({"X-Amz-Date", scope.amz_date});
  query.push_back({"X-Amz-Expires", std::to_string(expires_s)});
  if (!creds.session_token.empty()) query.push_back({"X-Amz-Security-Token", creds.session_token});
  query.push_back({"X-Amz-SignedHeaders", "host"});
  SigV4Request unsigned_body = r;
  unsigned_body.payload_hash = "UNSIGNED-PAYLOAD";
  Canonical c = Canonicalise(unsigned_body, {{"host", r.host}}, query);
  std::string signature = Signature(StringToSign(c.request, scope), creds, scope);
  return scheme + "://" + r.host + CanonicalPath(r.path) + "?" + CanonicalQuery(query) +
         "&X-Amz-Signature=" + signature;
}

}  // namespace minutes
