#include "storage/s3_http.hpp"

#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "net/curl_api.hpp"
#include "storage/s3_object_store.hpp"

namespace minutes {
namespace {

struct Transfer {
  CURL* handle = nullptr;
  S3Response* res = nullptr;
  std::ostream* sink = nullptr;
  std::string_view upload;
  size_t sent = 0;
  bool sink_failed = false;
};

size_t OnBody(char* p, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  long code = 0;
  Curl().easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &code);
  if (t->sink && code >= 200 && code < 300) {
    t->sink->write(p, static_cast<std::streamsize>(bytes));
    if (!*t->sink) {
      t->sink_failed = true;
      return 0;  // aborts the transfer
    }
  } else if (t->res->body.size() < (1 << 20)) {
    t->res->body.append(p, bytes);
  }
  return bytes;
}

size_t OnHeader(char* p, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(p, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue or a redirect)
    t->res->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t\r\n") + 1);
  t->res->headers[name] = value;
  return size * n;
}

size_t OnRead(char* p, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t take = std::min(size * n, t->upload.size() - t->sent);
  std::memcpy(p, t->upload.data() + t->sent, take);
  t->sent += take;
  return take;
}

}  // namespace

// Idle easy handles: reusing one keeps its connection to the endpoint alive.
struct S3Client::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;
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
    idle.push_back(h);
  }
  ~Pool() {
    for (CURL* h : idle) Curl().easy_cleanup(h);
  }
};

S3Client::S3Client(const S3Location& where, AwsCredentials creds)
    : where_(where), creds_(std::move(creds)), pool_(new Pool) {}

S3Client::~S3Client() = default;

Result<S3Response> S3Client::Send(const S3Request& r) const {
  // Loaded on first use, not at start-up: a service on local disk never maps libcurl and TLS.
  if (auto curl = LoadCurl(); !curl.ok()) return curl.status();
  const bool idempotent = r.method != "POST";
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    SigV4Request sr{r.method, where_.Host(), where_.Path(r.key),
                    r.query,  r.headers,     Sha256HexOf(r.body)};
    SigV4Scope scope{where_.region, "s3", AmzDate(std::chrono::system_clock::now())};
    SignedRequest signed_req = SignV4(sr, creds_, scope);
    std::string url = where_.scheme + "://" + sr.host + CanonicalPath(sr.path);
    if (!r.query.empty()) url += "?" + CanonicalQuery(r.query);

    S3Response res;
    Transfer t;
    t.res = &res;
    t.sink = r.sink;
    t.upload = r.body;
    CURL* h = pool_->Take();
    t.handle = h;
    curl_slist* list = nullptr;
    for (auto& [k, v] : r.headers) list = Curl().slist_append(list, (k + ": " + v).c_str());
    for (auto& [k, v] : signed_req.headers)
      list = Curl().slist_append(list, (k + ": " + v).c_str());
    list = Curl().slist_append(list, "Expect:");  // no 100-continue round trip
    Curl().easy_setopt(h, CURLOPT_URL, url.c_str());
    Curl().easy_setopt(h, CURLOPT_HTTPHEADER, list);
    Curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    Curl().easy_setopt(h, CURLOPT_WRITEDATA, &t);
    Curl().easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    Curl().easy_setopt(h, CURLOPT_HEADERDATA, &t);
    Curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    Curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);  // stalled for a minute: give up
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    if (r.method == "HEAD") {
      Curl().easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (r.method == "PUT") {
      Curl().easy_setopt(h, CURLOPT_UPLOAD, 1L);
      Curl().easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
      Curl().easy_setopt(h, CURLOPT_READDATA, &t);
      Curl().easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    } else if (r.method == "POST") {
      Curl().easy_setopt(h, CURLOPT_POST, 1L);
      Curl().easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
      Curl().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    } else if (r.method != "GET") {
      Curl().easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    CURLcode rc = Curl().easy_perform(h);
    Curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res.status);
    Curl().slist_free_all(list);
    if (rc == CURLE_OK) {
      pool_->Give(h);
    } else {
      Curl().easy_cleanup(h);  // its connection may be broken
    }
    if (t.sink_failed) return Status::Io("writing the downloaded object failed");
    if (rc != CURLE_OK) {
      last_error = Curl().easy_strerror(rc);
      // A GET that already streamed part of its body cannot be repeated into the same sink.
      if (r.sink && res.status >= 200 && res.status < 300) break;
      continue;
    }
    if ((res.status == 500 || res.status == 503) && idempotent && !r.sink) {
      last_error = "HTTP " + std::to_string(res.status);
      continue;
    }
    return res;
  }
  return Status(ErrorKind::kUnavailable, "object store " + where_.scheme + "://" +
                                             where_.endpoint_host + " unreachable: " + last_error);
}

Status S3Error(const S3Response& r, const std::string& what) {
  std::string detail = XmlText(r.body, "Code");
  std::string message = XmlText(r.body, "Message");
  if (!message.empty()) detail += (detail.empty() ? "" : ": ") + message;
  std::string text = what + " failed: HTTP " + std::to_string(r.status) +
                     (detail.empty() ? "" : " (" + detail + ")");
  if (r.status == 404) return Status::NotFound(text);
  if (r.status >= 500) return Status(ErrorKind::kUnavailable, text);
  return Status::Io(text);
}

}  // namespace minutes
