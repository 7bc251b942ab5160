#pragma once
// URLs: the one parser (liburiparser, RFC 3986) for every URL the service reads — config URLs
// such as redis://, openai://, transcribe:// and absolute-form request targets — plus
// percent-decoding and query strings (read into request targets by http/request_target), and the
// one way to show a URL with its credentials hidden. Pure functions; thread-safe.
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
/// name the URL with UrlWithoutCredentials.
Result<Url> ParseUrl(std::string_view text);

/// %XX escapes decoded (and '+' as a space when `plus_as_space`); BadInput for a '%' not
/// followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

/// A query string ("a=1&b=x+y&c") as pairs: split at '&' then at the first '=', '+' read as a
/// space, then percent-decoded ("c" gives {"c", ""}). BadInput for a malformed escape.
Result<QueryParams> ParseQuery(std::string_view query);

/// `url` with the user info (which holds the passwords and keys of config URLs) replaced by
/// "***", for messages and logs. Text that does not parse as a URL is masked from "://" to its
/// last '@', so a malformed URL never shows a secret either.
std::string UrlWithoutCredentials(std::string_view url);

}  // namespace minutes
