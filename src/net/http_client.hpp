#pragma once
// The one HTTP client of the service (AI providers, webhooks, object storage, model downloads):
// libcurl with kept-alive connections, deadlines, bodies in memory or streamed both ways
// (HttpBodySource / HttpBodySink), cancellation, and nothing secret in any error message.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"
#include "net/address_policy.hpp"
#include "net/http_body.hpp"
#include "net/url.hpp"

namespace minutes {

struct HttpResponse {
  long status = 0;
  std::string body;  ///< collected unless on_data took it (non-2xx: up to max_error_body)
  std::map<std::string, std::string> headers;  ///< lower-case names
  double seconds = 0;                          ///< how long the exchange took
};

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// When set, the body is read from here as it is sent and `body` is ignored.
  HttpBodySource body_source;
  /// The whole exchange; 0 = no limit (then set `stall_timeout`).
  std::chrono::milliseconds timeout{60000};
  /// Connecting (DNS, TCP, TLS); at most `timeout`.
  std::chrono::milliseconds connect_timeout{10000};
  /// When nonzero, a transfer moving less than a byte per second for this long is abandoned:
  /// for long transfers that have no overall deadline.
  std::chrono::seconds stall_timeout{0};
  /// Redirects followed (http and https only); 0 = a 3xx reply is the response. Ignored with
  /// `destinations`, which never follow one.
  int max_redirects = 0;
  /// When set, the body of a 2xx reply is handed over as it arrives instead of collected in
  /// HttpResponse::body; an error from it stops the transfer and is what Send returns.
  HttpBodySink on_data;
  /// Called once before the first piece goes to `on_data`, with the reply's status and headers
  /// (an empty body): for a sink whose handling depends on them (206 appends, 200 replaces).
  /// An error stops the transfer like one from `on_data`.
  std::function<Status(const HttpResponse&)> on_data_start;
  /// Bytes of a non-2xx reply's body kept in HttpResponse::body (the rest is read and dropped):
  /// an error page cannot fill the memory.
  size_t max_error_body = 1 << 20;
  /// Called as a 2xx reply's body arrives: (bytes so far, total or 0 when unknown). Not called
  /// for redirects and error replies.
  std::function<void(int64_t, int64_t)> on_progress;
  /// Set for URLs users gave (webhooks): the URL is checked (CheckOutboundUrl), the connection
  /// goes only to the addresses that were checked, every address connected to is checked again
  /// (no DNS rebinding), no proxy, no redirects, http and https only, and a fresh connection.
  /// A refused destination is kFailedPrecondition. Not owned; must outlive Send().
  const DestinationPolicy* destinations = nullptr;
  /// When set, the exchange stops soon after it becomes true (checked several times a second,
  /// also while waiting for the reply) and Send returns kUnavailable "canceled". Not owned.
  const std::atomic<bool>* cancel = nullptr;
  /// Offers gzip and friends and decodes them; off when the bytes themselves matter (ranges,
  /// digests of stored objects).
  bool accept_compressed = true;
  /// Runs the exchange on the calling thread even within an HTTP request's handler, for
  /// sources and sinks that are the handler's own streams (see HttpClient::Send).
  bool on_calling_thread = false;

  static HttpRequest Post(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                          std::string body) {
    HttpRequest r;
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
  }
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  /// Sends `r`. A reply of any status is a response; a transport failure (refused, reset,
  /// timed out, TLS) is kUnavailable naming the host and what went wrong — never the query
  /// string or the headers, which may carry keys. An error from `r.on_data` or
  /// `r.body_source` is returned as it is. Only http and https URLs are fetched.
  /// Within an HTTP request's handler the exchange runs on a thread of its own
  /// (core/blocking.hpp) unless `r.on_calling_thread`: otherwise the callbacks must not touch
  /// the handler's streams. Thread-safe; connections are reused across calls and threads.
  Result<HttpResponse> Send(const HttpRequest& r) const;

 private:
  Result<HttpResponse> SendHere(const HttpRequest& r) const;
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

/// The Retry-After header as seconds (delta-seconds or an HTTP date); -1 when absent.
double RetryAfterSeconds(const HttpResponse& r);

/// A URL this client fetches as messages and logs show it: MaskUrl's kOtherUrl, scheme, host,
/// port and path ("https://****@host/path").
inline std::string UrlForMessages(std::string_view url) {
  return MaskUrl(url, UrlMasking::kOtherUrl);
}

/// Splits a Server-Sent Events stream into events, whatever the chunking: Feed() calls
/// `on_event(event_name, data)` for every complete event ("message" when unnamed; multi-line
/// data joined with '\n').
class SseParser {
 public:
  explicit SseParser(std::function<void(const std::string&, const std::string&)> on_event)
      : on_event_(std::move(on_event)) {}
  void Feed(std::string_view chunk);

 private:
  void Line(const std::string& line);
  std::function<void(const std::string&, const std::string&)> on_event_;
  std::string pending_, event_, data_;
  bool has_data_ = false;
};

}  // namespace minutes
