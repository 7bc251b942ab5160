#pragma once
// Signed requests to an S3-compatible endpoint over the service's HTTP client (net/http_client),
// bodies streamed both ways, connections kept alive.
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"
#include "net/http_client.hpp"
#include "net/sigv4.hpp"
#include "storage/s3_xml.hpp"

namespace minutes {

struct S3Location;

struct S3Request {
  std::string method = "GET";
  std::string key;  ///< "" = the bucket itself
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  ///< signed along with the rest
  std::string_view body;         ///< sent as is (PUT, POST), not copied: must outlive Send()
  std::ostream* sink = nullptr;  ///< a 2xx response body goes here instead of into `body`
  /// Called with a 2xx reply's status and headers before its body goes to `sink`.
  std::function<void(long status, const std::map<std::string, std::string>& headers)>
      on_sink_start = nullptr;
};

struct S3Response {
  long status = 0;
  std::string body;                            ///< error bodies and small replies
  std::map<std::string, std::string> headers;  ///< lower-case names
};

class S3Client {
 public:
  S3Client(const S3Location& where, AwsCredentials creds);
  ~S3Client();
  /// Sends `r` signed. Transport failures (refused, reset, timed out) retry twice with
  /// backoff, as do 500/503 replies to idempotent requests; then Unavailable. A download that
  /// has already written to `r.sink` is not retried; a sink that fails is Io. Runs on the
  /// calling thread (the sink may be an HTTP handler's own stream).
  Result<S3Response> Send(const S3Request& r) const;

 private:
  const S3Location& where_;
  AwsCredentials creds_;
  HttpClient http_;
};

/// The Status for a failed reply: 404 NotFound, 5xx (or S3's InternalError, SlowDown,
/// ServiceUnavailable) Unavailable, otherwise Io; S3's own <Code> is its code(), the message
/// carries `what`, the code and S3's <Message>.
Status S3Error(const S3Response& r, const std::string& what);

/// Whether `body` is S3's <Error> document: a 200 reply to CompleteMultipartUpload can be one.
bool IsS3ErrorReply(const std::string& body);

}  // namespace minutes
