#include "net/http_client.hpp"

#include <sys/socket.h>

#include <ctime>
#include <mutex>
#include <optional>

#include "core/blocking.hpp"
#include "net/curl_api.hpp"

namespace minutes {
namespace {

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  bool stopped = false;
  std::string refused;  ///< why a connection to a user-given destination was not opened
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

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  if (t->request->on_data && t->response->status >= 200 && t->response->status < 300) {
    if (!t->request->on_data(std::string_view(data, bytes))) {
      t->stopped = true;
      return 0;  // aborts the transfer
    }
    return bytes;
  }
  t->response->body.append(data, bytes);
  return bytes;
}

// libcurl calls this about once a second while a transfer runs (more often while data flows):
// a nonzero answer aborts it with CURLE_ABORTED_BY_CALLBACK.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->request->cancel != nullptr && t->request->cancel->load() ? 1 : 0;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a status line (again after 100 Continue / redirects)
    auto sp = line.find(' ');
    t->response->status = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
    t->response->headers.clear();
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

std::string UrlForMessages(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  size_t scheme = out.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t path = out.find('/', start);
  // The last '@' of the authority ends the user info, whatever the password holds.
  size_t at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at != std::string::npos && at >= start) out.erase(start, at + 1 - start);
  return out;
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& r) const {
  // Seconds of waiting on another server: off the HTTP edge's handler threads (core/blocking).
  Result<HttpResponse> out = Status::Internal("not sent");
  RunBlocking([&] { out = SendHere(r); });
  return out;
}

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
  Transfer t{&r, &response, false, {}};
  curl_slist* resolve = nullptr;
  if (checked) {
    std::string pinned = checked->host + ":" + std::to_string(checked->port) + ":";
    for (size_t i = 0; i < checked->addresses.size(); ++i) {
      const IpAddress& ip = checked->addresses[i];
      pinned += (i ? "," : "") + (ip.IsV4() ? ip.ToString() : "[" + ip.ToString() + "]");
    }
    if (!ParseIpLiteral(checked->host)) resolve = Curl().slist_append(resolve, pinned.c_str());
    Curl().easy_setopt(h, CURLOPT_RESOLVE, resolve);
    Curl().easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
    Curl().easy_setopt(h, CURLOPT_OPENSOCKETDATA, &t);
    Curl().easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    Curl().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    Curl().easy_setopt(h, CURLOPT_PROXY, "");  // not the environment's proxy
  }
  curl_slist* list = nullptr;
  for (const auto& [k, v] : r.headers) list = Curl().slist_append(list, (k + ": " + v).c_str());
  list = Curl().slist_append(list, "Expect:");  // no 100-continue round trip
  Curl().easy_setopt(h, CURLOPT_URL, r.url.c_str());
  Curl().easy_setopt(h, CURLOPT_HTTPHEADER, list);
  Curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  Curl().easy_setopt(h, CURLOPT_WRITEDATA, &t);
  Curl().easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  Curl().easy_setopt(h, CURLOPT_HEADERDATA, &t);
  Curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (r.cancel != nullptr) {
    Curl().easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    Curl().easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    Curl().easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  }
  Curl().easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  Curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(r.timeout.count(), 10000)));
  Curl().easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip when offered
  if (r.method == "POST") {
    Curl().easy_setopt(h, CURLOPT_POST, 1L);
    Curl().easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
    Curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  } else if (r.method != "GET") {
    Curl().easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (!r.body.empty()) {
      Curl().easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
      Curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  CURLcode code = Curl().easy_perform(h);
  response.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Curl().slist_free_all(list);
  Curl().slist_free_all(resolve);
  if (!t.refused.empty()) {
    Curl().easy_cleanup(h);
    return Status::FailedPrecondition(r.method + " " + UrlForMessages(r.url) + ": " + t.refused +
                                      "; only public addresses may be used");
  }
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && t.stopped)) {
    Curl().easy_cleanup(h);  // a connection in an unknown state is not reused
    std::string what = code == CURLE_ABORTED_BY_CALLBACK ? "canceled"
                       : code == CURLE_OPERATION_TIMEDOUT
                           ? "no complete reply within " + std::to_string(r.timeout.count()) + " ms"
                           : Curl().easy_strerror(code);
    return Status(ErrorKind::kUnavailable, r.method + " " + UrlForMessages(r.url) + ": " + what);
  }
  if (checked)
    Curl().easy_cleanup(h);
  else
    pool_->Give(h);
  return response;
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
