#pragma once
// AWS Signature Version 4: signed request headers and presigned URLs (S3, Bedrock, Transcribe).
// Written by hand (libcurl's CURLOPT_AWS_SIGV4 cannot presign and does not canonicalise query
// strings) and checked against the worked examples of the S3 API reference (sigv4_test.cpp).
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minutes {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  ///< temporary credentials only; sent as X-Amz-Security-Token
};

/// One request to sign. `path` and `query` are raw (not yet percent-encoded); the signer
/// encodes them the way S3 expects, and the caller must send them encoded the same way
/// (CanonicalPath / CanonicalQuery).
struct SigV4Request {
  std::string method;  ///< "GET", "PUT", …
  std::string host;    ///< as sent in Host: "bucket.s3.amazonaws.com", "127.0.0.1:9000"
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  /// Headers to sign besides host, x-amz-date and x-amz-content-sha256 (any case).
  std::vector<std::pair<std::string, std::string>> headers;
  /// Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash = "UNSIGNED-PAYLOAD";
};

struct SigV4Scope {
  std::string region = "us-east-1";
  std::string service = "s3";
  std::string amz_date;  ///< "20130524T000000Z"
};

struct SignedRequest {
  /// Every header to send besides those of the request: x-amz-date, x-amz-content-sha256,
  /// x-amz-security-token when there is one, and Authorization.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, everything else is
/// %XX (upper case); '/' stays unless `encode_slash`.
std::string UriEncode(std::string_view s, bool encode_slash);
/// The path as sent and signed: each segment encoded, '/' kept.
std::string CanonicalPath(std::string_view path);
/// The query as sent and signed: names and values encoded, sorted, "name=value" joined by '&'.
std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> query);
/// "20130524T000000Z" for `t` (UTC).
std::string AmzDate(std::chrono::system_clock::time_point t);

/// Signs `r` for the Authorization header.
SignedRequest SignV4(const SigV4Request& r, const AwsCredentials& creds, const SigV4Scope& scope);

/// A presigned URL ("scheme://host/path?…&X-Amz-Signature=…") valid for `expires_s` seconds
/// from scope.amz_date; only the host header is signed and the payload is UNSIGNED-PAYLOAD.
std::string PresignV4(const std::string& scheme, const SigV4Request& r, const AwsCredentials& creds,
                      const SigV4Scope& scope, int expires_s);

}  // namespace minutes
