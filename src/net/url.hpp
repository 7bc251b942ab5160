#pragma once
// URLs: the one parser (liburiparser, RFC 3986) for every URL the service reads — config URLs
// such as redis://, openai://, transcribe:// and absolute-form request targets — plus
// percent-decoding and query strings (read into request targets by http/request_target), and the
// one way to show a URL with its secrets hidden (MaskUrl). Pure functions; thread-safe.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// name=value pairs of a query string, decoded, in the order written (names may repeat).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// An absolute URL split into its parts. Parts the URL leaves out are empty (port 0).
struct Url {
  std::string scheme;     ///< lower case: "openai+http"
  std::string user_info;  ///< as written, still percent-encoded: "app:s3%2Fcret"
  std::string host;       ///< lower case; an IPv6 literal without its brackets
  int port = 0;           ///< as written (1–65535); 0 when the URL names none
  std::string path;       ///< as written, still percent-encoded: "/v1", "" when none
  std::string query;      ///< as written, without '?'
  std::string fragment;   ///< as written, without '#'

  /// The user info before its first ':', percent-decoded ("" when none).
  std::string User() const;
  /// The user info after its first ':', percent-decoded ("" when there is no ':').
  std::string Password() const;
  /// host, in brackets when it is an IPv6 literal, then ":port" when the URL names a port:
  /// what follows "scheme://" when the URL is rebuilt without its user info.
  std::string HostPort() const;
  /// The query's parameters (ParseQuery); BadInput for a malformed escape.
  Result<QueryParams> Params() const;
};

/// Parses an absolute URL ("scheme:…") by RFC 3986. BadInput saying where it is malformed, or
/// that it has no scheme. The text is not in the message (it may hold credentials): callers
/// name the URL with MaskUrl.
Result<Url> ParseUrl(std::string_view text);

/// %XX escapes decoded (and '+' as a space when `plus_as_space`); BadInput for a '%' not
/// followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

/// A query string ("a=1&b=x+y&c") as pairs: split at '&' then at the first '=', '+' read as a
/// space, then percent-decoded ("c" gives {"c", ""}). BadInput for a malformed escape.
Result<QueryParams> ParseQuery(std::string_view query);

/// What stands for a secret that MaskUrl (and `minutes config show`) hid.
inline constexpr std::string_view kMasked = "****";

/// Whether a query parameter or config field named `name` holds a secret: its name ends in
/// "secret", "password", "passwd", "token" or "key" (ignoring case).
bool IsSecretName(std::string_view name);

/// Which parts of a URL MaskUrl hides.
enum class UrlMasking {
  /// A URL of the service's own config, whose parts are known: the password ("app:****@", the
  /// user's name stays), a user info without ':' as a whole ("openai://****@host":
  /// openai://KEY@host and redis://PASSWORD@host put a secret there) except in postgresql:// and
  /// postgres:// URLs, where it is the user's name, and the value of every query parameter
  /// whose name IsSecretName ("s3://b?secret_key=****"). Text without "://" is left as it is
  /// (config show passes every string field through here).
  kConfigUrl,
  /// Any other URL (a webhook, a presigned or model URL, text that failed to be a config URL):
  /// the user info as a whole, the query and the fragment, which may carry keys and signatures
  /// under any name; scheme, host, port and path are shown. Text without "://" is read as
  /// "user:password@host/…".
  kOtherUrl,
};

/// `url` fit for messages, logs and `minutes config show`, the parts `masking` names hidden
/// (replaced by kMasked, or dropped for a query under kOtherUrl). The user info ends where
/// RFC 3986 (ParseUrl) ends it, or at a later '@' before the first '/' (where libpq ends it);
/// text that is not a URL with a host ("a:p@ss@h", a '/', '?' or '#' in a password) is masked up
/// to its last '@'. Either way a '@' too many only masks too much ("http://host?to=a@b" shows as
/// "http://****@b"), never too little. Masking what MaskUrl returned changes nothing, so what
/// `config show` prints loads back and prints the same.
std::string MaskUrl(std::string_view url, UrlMasking masking = UrlMasking::kConfigUrl);

}  // namespace minutes
