#include "net/http_client.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>

#include "core/blocking.hpp"
#include "net/curl_api.hpp"

namespace minutes {
namespace {

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  Status failed;            ///< what a body source or sink answered when it stopped the transfer
  std::string refused;      ///< why a connection to a user-given destination was not opened
  int64_t reply_bytes = 0;  ///< body bytes of the current 2xx reply so far
  bool data_started = false;

  bool Is2xx() const { return response->status >= 200 && response->status < 300; }
};

// For user-given destinations: the address libcurl is about to connect to is checked here,
// whatever resolved it, so a name that changes its answer after the check gets nowhere.
curl_socket_t OpenCheckedSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  auto ip = IpAddress::FromSockaddr(&address->addr);
  if (!ip) {
    t->refused = "an address that is neither IPv4 nor IPv6";
    return CURL_SOCKET_BAD;
  }
  AddressClass c = ClassifyAddress(*ip);
  if (!AddressAllowed(c, *t->request->destinations)) {
    t->refused = ip->ToString() + " is " + DescribeAddressClass(c);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// The caller's callbacks run inside libcurl's C frames: no exception may cross them.
template <typename Fn>
Status Guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("an HTTP body callback failed: ") + e.what());
  }
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& r = *t->request;
  const size_t bytes = size * n;
  if (!t->Is2xx()) {  // an error page (or a redirect's): bounded
    HttpResponse& res = *t->response;
    if (res.body.size() < r.max_error_body)
      res.body.append(data, std::min(bytes, r.max_error_body - res.body.size()));
    return bytes;
  }
  t->reply_bytes += static_cast<int64_t>(bytes);
  if (!r.on_data) {
    t->response->body.append(data, bytes);
    return bytes;
  }
  t->failed = Guarded([&] {
    if (!t->data_started && r.on_data_start) {
      t->data_started = true;
      if (Status s = r.on_data_start(*t->response); !s.ok()) return s;
    }
    t->data_started = true;
    return r.on_data(std::string_view(data, bytes));
  });
  return t->failed.ok() ? bytes : 0;  // 0 aborts the transfer
}

size_t OnRead(char* buf, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  Result<size_t> got = Status::Internal("not read");
  t->failed = Guarded([&] {
    got = t->request->body_source.read(buf, size * n);
    return got.status();
  });
  return t->failed.ok() ? *got : CURL_READFUNC_ABORT;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  const auto& rewind = t->request->body_source.rewind;
  if (offset != 0 || origin != SEEK_SET || !rewind) return CURL_SEEKFUNC_CANTSEEK;
  bool ok = false;
  t->failed = Guarded([&] {
    ok = rewind();
    return Status::Ok();
  });
  return ok ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

// libcurl calls this about once a second while a transfer runs (more often while data flows):
// a nonzero answer aborts it with CURLE_ABORTED_BY_CALLBACK.
int OnProgress(void* user, curl_off_t down_total, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& r = *t->request;
  if (r.cancel != nullptr && r.cancel->load()) return 1;
  if (r.on_progress && t->Is2xx()) {
    t->failed = Guarded([&] {
      r.on_progress(t->reply_bytes, down_total > 0 ? static_cast<int64_t>(down_total) : 0);
      return Status::Ok();
    });
    if (!t->failed.ok()) return 1;
  }
  return 0;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a status line (again after 100 Continue / redirects)
    auto sp = line.find(' ');
    t->response->status = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
    t->response->headers.clear();
    t->response->body.clear();
    t->reply_bytes = 0;
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    t->response->headers[name] = value;
  }
  return size * n;
}

// How the request's body goes: from memory (libcurl sends `body` without copying it), from the
// caller's source, or none.
void SetMethodAndBody(CURL* h, const HttpRequest& r, Transfer* t) {
  const bool streamed = static_cast<bool>(r.body_source.read);
  const auto size = static_cast<curl_off_t>(streamed ? r.body_source.size : r.body.size());
  if (r.method == "HEAD") {
    Curl().easy_setopt(h, CURLOPT_NOBODY, 1L);
    return;
  }
  if (streamed) {
    Curl().easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
    Curl().easy_setopt(h, CURLOPT_READDATA, t);
    Curl().easy_setopt(h, CURLOPT_SEEKFUNCTION, OnSeek);
    Curl().easy_setopt(h, CURLOPT_SEEKDATA, t);
    if (r.method == "POST") {
      Curl().easy_setopt(h, CURLOPT_POST, 1L);
      Curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);  // -1: chunked
    } else {
      Curl().easy_setopt(h, CURLOPT_UPLOAD, 1L);  // a PUT unless renamed below
      Curl().easy_setopt(h, CURLOPT_INFILESIZE_LARGE, size);
      if (r.method != "PUT") Curl().easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    return;
  }
  if (r.method == "POST") {
    Curl().easy_setopt(h, CURLOPT_POST, 1L);
  } else if (r.method != "GET") {
    Curl().easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (r.body.empty()) return;
  } else {
    return;
  }
  Curl().easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
  Curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);
}

}  // namespace

struct HttpClient::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;
  ~Pool() {
    for (CURL* h : idle) Curl().easy_cleanup(h);
  }
  CURL* Take() {
    std::lock_guard lock(mu);
    if (idle.empty()) return Curl().easy_init();
    CURL* h = idle.back();
    idle.pop_back();
    Curl().easy_reset(h);
    return h;
  }
  void Give(CURL* h) {
    std::lock_guard lock(mu);
    if (idle.size() < 16)
      idle.push_back(h);
    else
      Curl().easy_cleanup(h);
  }
};

HttpClient::HttpClient() : pool_(new Pool) {}
HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequest& r) const {
  if (r.on_calling_thread) return SendHere(r);
  // Seconds of waiting on another server: off the HTTP edge's handler threads (core/blocking).
  Result<HttpResponse> out = Status::Internal("not sent");
  RunBlocking([&] { out = SendHere(r); });
  return out;
}

namespace {

// A user-given destination: only the addresses that were checked, http(s), no proxy, no
// redirects.
curl_slist* PinDestination(CURL* h, const CheckedUrl& checked, Transfer* t) {
  curl_slist* resolve = nullptr;
  std::string pinned = checked.host + ":" + std::to_string(checked.port) + ":";
  for (size_t i = 0; i < checked.addresses.size(); ++i) {
    const IpAddress& ip = checked.addresses[i];
    pinned += (i ? "," : "") + (ip.IsV4() ? ip.ToString() : "[" + ip.ToString() + "]");
  }
  if (!ParseIpLiteral(checked.host)) resolve = Curl().slist_append(resolve, pinned.c_str());
  Curl().easy_setopt(h, CURLOPT_RESOLVE, resolve);
  Curl().easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
  Curl().easy_setopt(h, CURLOPT_OPENSOCKETDATA, t);
  Curl().easy_setopt(h, CURLOPT_PROXY, "");  // not the environment's proxy
  return resolve;
}

void SetTimeouts(CURL* h, const HttpRequest& r) {
  Curl().easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  auto connect = r.connect_timeout;
  if (r.timeout.count() > 0) connect = std::min(connect, r.timeout);
  Curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
  if (r.stall_timeout.count() > 0) {
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(r.stall_timeout.count()));
  }
}

}  // namespace

Result<HttpResponse> HttpClient::SendHere(const HttpRequest& r) const {
  if (auto curl = LoadCurl(); !curl.ok()) return curl.status();
  std::optional<CheckedUrl> checked;
  if (r.destinations != nullptr) {
    auto c = CheckOutboundUrl(r.url, *r.destinations);
    if (!c.ok())
      return Status(c.status().kind(),
                    r.method + " " + UrlForMessages(r.url) + ": " + c.status().message());
    checked = std::move(c).value();
  }
  // A user-given destination gets a handle of its own: no connection or DNS cache entry is
  // shared with other requests.
  CURL* h = checked ? Curl().easy_init() : pool_->Take();
  if (h == nullptr) return Status::Internal("cannot start an HTTP transfer");
  HttpResponse response;
  Transfer t{&r, &response, Status::Ok(), {}};
  curl_slist* resolve = checked ? PinDestination(h, *checked, &t) : nullptr;
  Curl().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  if (r.max_redirects > 0 && !checked) {
    Curl().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    Curl().easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(r.max_redirects));
    Curl().easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }
  curl_slist* list = nullptr;
  for (const auto& [k, v] : r.headers) list = Curl().slist_append(list, (k + ": " + v).c_str());
  list = Curl().slist_append(list, "Expect:");  // no 100-continue round trip
  char error[CURL_ERROR_SIZE] = "";
  Curl().easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  Curl().easy_setopt(h, CURLOPT_URL, r.url.c_str());
  Curl().easy_setopt(h, CURLOPT_HTTPHEADER, list);
  Curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  Curl().easy_setopt(h, CURLOPT_WRITEDATA, &t);
  Curl().easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  Curl().easy_setopt(h, CURLOPT_HEADERDATA, &t);
  Curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (r.cancel != nullptr || r.on_progress) {
    Curl().easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    Curl().easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    Curl().easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  }
  SetTimeouts(h, r);
  if (r.accept_compressed) Curl().easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip, …
  SetMethodAndBody(h, r, &t);
  auto t0 = std::chrono::steady_clock::now();
  CURLcode code = Curl().easy_perform(h);
  auto took = std::chrono::steady_clock::now() - t0;
  response.seconds = std::chrono::duration<double>(took).count();
  if (response.status == 0) Curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  Curl().easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // `error` goes out of scope
  Curl().slist_free_all(list);
  Curl().slist_free_all(resolve);
  if (code != CURLE_OK || checked) {
    Curl().easy_cleanup(h);  // a connection in an unknown state is not reused
  } else {
    pool_->Give(h);
  }
  const std::string what_failed = r.method + " " + UrlForMessages(r.url) + ": ";
  if (!t.refused.empty())
    return Status::FailedPrecondition(what_failed + t.refused +
                                      "; only public addresses may be used");
  if (!t.failed.ok()) return t.failed;  // the caller's own source or sink said why
  if (code == CURLE_OK) return response;
  std::string why = error[0] != '\0' ? error : Curl().easy_strerror(code);
  if (code == CURLE_ABORTED_BY_CALLBACK) why = "canceled";
  // The whole-request timeout (not a stall): libcurl may fire it up to a millisecond before
  // our clock says it is due (found under load: 299.x ms for a 300 ms timeout).
  else if (code == CURLE_OPERATION_TIMEDOUT && r.timeout.count() > 0 &&
           took + std::chrono::milliseconds(5) >= r.timeout)
    why = "no complete reply within " + std::to_string(r.timeout.count()) + " ms";
  return Status(ErrorKind::kUnavailable, what_failed + why);
}

double RetryAfterSeconds(const HttpResponse& r) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end() || it->second.empty()) return -1;
  const std::string& v = it->second;
  if (std::isdigit(static_cast<unsigned char>(v[0]))) return std::atof(v.c_str());
  std::tm tm{};
  if (strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return -1;
  double delta = std::difftime(timegm(&tm), std::time(nullptr));
  return delta > 0 ? delta : 0;
}

void SseParser::Feed(std::string_view chunk) {
  pending_.append(chunk);
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = pending_.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Line(line);
  }
  pending_.erase(0, start);
}

void SseParser::Line(const std::string& line) {
  if (line.empty()) {  // end of an event
    if (has_data_) on_event_(event_.empty() ? "message" : event_, data_);
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line[0] == ':') return;  // a comment (keep-alive)
  auto colon = line.find(':');
  std::string field = line.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.erase(0, 1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  } else if (field == "event") {
    event_ = value;
  }
}

}  // namespace minutes
