#include "storage/s3_http.hpp"

#include <chrono>
#include <thread>

#include "crypto/sha256.hpp"
#include "net/curl_api.hpp"
#include "storage/s3_object_store.hpp"

namespace minutes {

S3Client::S3Client(const S3Location& where, AwsCredentials creds)
    : where_(where), creds_(std::move(creds)) {}

S3Client::~S3Client() = default;

Result<S3Response> S3Client::Send(const S3Request& r) const {
  // No libcurl is not worth retrying (its error is Unavailable too).
  if (auto curl = LoadCurl(); !curl.ok()) return curl.status();
  const bool idempotent = r.method != "POST";
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    SigV4Request sr{r.method, where_.Host(), where_.Path(r.key),
                    r.query,  r.headers,     Sha256Hex(r.body)};
    SigV4Scope scope{where_.region, "s3", AmzDate(std::chrono::system_clock::now())};
    SignedRequest signed_req = SignV4(sr, creds_, scope);

    HttpRequest req;
    req.method = r.method;
    req.url = where_.scheme + "://" + sr.host + CanonicalPath(sr.path);
    if (!r.query.empty()) req.url += "?" + CanonicalQuery(r.query);
    req.headers = r.headers;
    req.headers.insert(req.headers.end(), signed_req.headers.begin(), signed_req.headers.end());
    if (r.method == "PUT" || r.method == "POST") req.body_source = BodyFromMemory(r.body);
    // Objects can take long: no overall deadline, but a stalled one is given up after a minute.
    req.timeout = std::chrono::milliseconds(0);
    req.connect_timeout = std::chrono::seconds(10);
    req.stall_timeout = std::chrono::seconds(60);
    req.accept_compressed = false;  // an object's bytes as stored (ranges, digests)
    req.on_calling_thread = true;
    bool streamed = false;
    if (r.sink != nullptr) {
      req.on_data = [&, sink = SinkTo(*r.sink, "writing the downloaded object failed")](
                        std::string_view piece) {
        streamed = true;
        return sink(piece);
      };
      if (r.on_sink_start)
        req.on_data_start = [&](const HttpResponse& head) {
          r.on_sink_start(head.status, head.headers);
          return Status::Ok();
        };
    }
    auto got = http_.Send(req);
    if (!got.ok()) {
      // Unavailable is the transport (worth another attempt); anything else is the sink's.
      if (got.status().kind() != ErrorKind::kUnavailable) return got.status();
      last_error = got.status().message();
      // A GET that already streamed part of its body cannot be repeated into the same sink.
      if (streamed) break;
      continue;
    }
    S3Response res{got->status, std::move(got->body), std::move(got->headers)};
    if ((res.status == 500 || res.status == 503) && idempotent && !r.sink) {
      last_error = "HTTP " + std::to_string(res.status);
      continue;
    }
    return res;
  }
  return Status(ErrorKind::kUnavailable, "object store " + where_.scheme + "://" +
                                             where_.endpoint_host + " unreachable: " + last_error);
}

bool IsS3ErrorReply(const std::string& body) { return !XmlRecords(body, "Error").empty(); }

Status S3Error(const S3Response& r, const std::string& what) {
  const std::string code = XmlText(r.body, "Code");
  std::string detail = code;
  std::string message = XmlText(r.body, "Message");
  if (!message.empty()) detail += (detail.empty() ? "" : ": ") + message;
  std::string text = what + " failed: HTTP " + std::to_string(r.status) +
                     (detail.empty() ? "" : " (" + detail + ")");
  // The codes S3 documents as worth retrying, also in a 200 reply's body.
  const bool busy = code == "InternalError" || code == "SlowDown" || code == "ServiceUnavailable";
  if (r.status == 404) return Status::NotFound(text).WithCode(code);
  if (r.status >= 500 || busy) return Status(ErrorKind::kUnavailable, text).WithCode(code);
  return Status::Io(text).WithCode(code);
}

}  // namespace minutes
