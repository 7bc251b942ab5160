#pragma once
// HTTP for the AI providers: JSON requests over libcurl with kept-alive connections, a deadline
// per request, streamed replies (Server-Sent Events) and nothing secret in any error message.
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

namespace minutes {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};  ///< the whole exchange
  /// When set, the body of a 2xx reply is handed over as it arrives instead of collected;
  /// returning false stops the transfer.
  std::function<bool(std::string_view)> on_data;
  /// Set for URLs users gave (webhooks): the URL is checked (CheckOutboundUrl), the connection
  /// goes only to the addresses that were checked, every address connected to is checked again
  /// (no DNS rebinding), no proxy, no redirects, http and https only, and a fresh connection.
  /// A refused destination is kFailedPrecondition. Not owned; must outlive Send().
  const DestinationPolicy* destinations = nullptr;
  /// When set, the exchange stops soon after it becomes true (checked several times a second,
  /// also while waiting for the reply) and Send returns kUnavailable "canceled". Not owned.
  const std::atomic<bool>* cancel = nullptr;

  static HttpRequest Post(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                          std::string body) {
    HttpRequest r;
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
  }
};

struct HttpResponse {
  long status = 0;
  std::string body;                            ///< collected (all of it for non-2xx replies)
  std::map<std::string, std::string> headers;  ///< lower-case names
  double seconds = 0;                          ///< how long the exchange took
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  /// Sends `r`. A reply of any status is a response; a transport failure (refused, reset,
  /// timed out, TLS) is kUnavailable naming the host and what went wrong — never the query
  /// string or the headers, which may carry keys.
  /// Within an HTTP request's handler the exchange runs on a thread of its own
  /// (core/blocking.hpp): `on_data` must not touch the handler's streams.
  Result<HttpResponse> Send(const HttpRequest& r) const;

 private:
  Result<HttpResponse> SendHere(const HttpRequest& r) const;
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

/// The Retry-After header as seconds (delta-seconds or an HTTP date); -1 when absent.
double RetryAfterSeconds(const HttpResponse& r);

/// "scheme://host[:port]/path" of `url`: without user:password@ and the query string, for
/// messages and logs. The one URL-masking helper for outbound URLs.
std::string UrlForMessages(const std::string& url);

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
