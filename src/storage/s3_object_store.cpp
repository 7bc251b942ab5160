#include "storage/s3_object_store.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <streambuf>

#include "crypto/sha256.hpp"
#include "storage/s3_http.hpp"

namespace minutes {
namespace {

constexpr const char* kShaMeta = "x-amz-meta-sha256";

// Reads up to `max` bytes of `in` into `buf`, which grows as they come (a generous `max`
// reserves nothing); false when the stream failed (not at its end).
bool ReadPart(std::istream& in, std::string& buf, size_t max) {
  constexpr size_t kStep = 1 << 20;
  buf.clear();
  while (buf.size() < max) {
    const size_t had = buf.size(), want = std::min(kStep, max - had);
    buf.resize(had + want);
    in.read(buf.data() + had, static_cast<std::streamsize>(want));
    buf.resize(had + static_cast<size_t>(in.gcount()));
    if (buf.size() < had + want) break;
  }
  return !in.bad();
}

std::chrono::system_clock::time_point ParseTime(const std::string& text) {
  std::tm tm{};
  // Last-Modified is RFC 7231 ("Mon, 23 Nov 2026 11:43:47 GMT"); ListObjectsV2 is ISO 8601.
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) &&
      !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
    return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// Passes on `length` bytes (-1: all) of what is written to it, after dropping the first
// `skip`: the range asked for, whatever the server sends. A server may ignore Range and answer
// 200 with the whole object (RFC 9110 allows it), and s3rver answers "bytes=0-0" with all of it.
class RangeBuf : public std::streambuf {
 public:
  RangeBuf(std::ostream& out, int64_t length) : out_(out), left_(length < 0 ? INT64_MAX : length) {}
  void Skip(int64_t n) { skip_ = n; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const auto dropped = static_cast<std::streamsize>(std::min<int64_t>(skip_, n));
    skip_ -= dropped;
    const auto taken = static_cast<std::streamsize>(std::min<int64_t>(left_, n - dropped));
    if (taken > 0 && !out_.write(s + dropped, taken)) return 0;
    left_ -= taken;
    return n;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  std::ostream& out_;
  int64_t skip_ = 0;
  int64_t left_;
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string S3Location::Host() const {
  return path_style ? endpoint_host : bucket + "." + endpoint_host;
}

std::string S3Location::Path(const std::string& key) const {
  std::string base = path_style ? "/" + bucket + "/" : "/";
  if (key.empty()) return path_style ? "/" + bucket : "/";
  return base + prefix + key;
}

Result<S3Location> ParseS3Url(const std::string& url) {
  static const std::string kScheme = "s3://";
  if (url.rfind(kScheme, 0) != 0) return Status::BadInput("not an s3:// URL: '" + url + "'");
  std::string rest = url.substr(kScheme.size()), query;
  if (auto q = rest.find('?'); q != std::string::npos) query = rest.substr(q + 1), rest.resize(q);
  S3Location loc;
  auto slash = rest.find('/');
  loc.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) loc.prefix = rest.substr(slash + 1);
  while (!loc.prefix.empty() && loc.prefix.back() == '/') loc.prefix.pop_back();
  if (!loc.prefix.empty()) {
    if (Status s = ValidateObjectKey(loc.prefix); !s.ok())
      return Status::BadInput("storage URL '" + url + "': the prefix is not a valid key path");
    loc.prefix += "/";
  }
  if (loc.bucket.size() < 3 || loc.bucket.size() > 63 ||
      loc.bucket.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos)
    return Status::BadInput("storage URL '" + url +
                            "': the bucket name must be 3-63 of [a-z0-9.-]");
  if (const char* r = std::getenv("AWS_REGION"); r && *r) loc.region = r;
  std::string endpoint;
  std::stringstream ss(query);
  for (std::string kv; std::getline(ss, kv, '&');) {
    auto eq = kv.find('=');
    std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (k == "endpoint") {
      endpoint = v;
    } else if (k == "region") {
      loc.region = v;
    } else if (k == "path_style") {
      if (v != "true" && v != "false")
        return Status::BadInput("storage URL '" + url + "': path_style must be true or false");
      loc.path_style = v == "true";
    } else {
      return Status::BadInput("storage URL '" + url + "': unknown parameter '" + k +
                              "' (endpoint, region, path_style)");
    }
  }
  if (endpoint.empty()) {
    loc.endpoint_host = "s3." + loc.region + ".amazonaws.com";
  } else {
    auto sep = endpoint.find("://");
    if (sep == std::string::npos)
      return Status::BadInput("storage URL '" + url + "': endpoint must be http(s)://host[:port]");
    loc.scheme = endpoint.substr(0, sep);
    loc.endpoint_host = endpoint.substr(sep + 3);
    while (!loc.endpoint_host.empty() && loc.endpoint_host.back() == '/')
      loc.endpoint_host.pop_back();
    if ((loc.scheme != "http" && loc.scheme != "https") || loc.endpoint_host.empty() ||
        loc.endpoint_host.find('/') != std::string::npos)
      return Status::BadInput("storage URL '" + url + "': endpoint must be http(s)://host[:port]");
  }
  return loc;
}

AwsCredentials AwsCredentialsFromEnv() {
  auto env = [](const char* n) {
    const char* v = std::getenv(n);
    return std::string(v ? v : "");
  };
  return {env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
}

// Hashes and counts what is written to it.
struct Sha256Sink : std::streambuf {
  Sha256 sha;
  int64_t size = 0;
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    sha.Update(s, static_cast<size_t>(n));
    size += n;
    return n;
  }
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      char ch = static_cast<char>(c);
      sha.Update(&ch, 1);
      ++size;
    }
    return c;
  }
};

struct S3ObjectStore::Impl {
  S3Location where;
  AwsCredentials creds;
  int64_t part_bytes;
  int list_page_keys;
  S3Client client{where, creds};
  Impl(S3Location w, AwsCredentials c, int64_t p, int page)
      : where(std::move(w)), creds(std::move(c)), part_bytes(p), list_page_keys(page) {}

  Result<S3Response> Ok(const S3Request& r, const std::string& what) {
    auto res = client.Send(r);
    if (!res.ok()) return res.status();
    if (res->status < 200 || res->status >= 300) return S3Error(*res, what);
    return res;
  }
  Status PutSmall(const std::string& key, std::string_view body, const std::string& sha) {
    S3Request r{"PUT", key, {}, {}, body, nullptr};
    if (!sha.empty()) r.headers.push_back({kShaMeta, sha});
    return Ok(r, "PUT " + key).status();
  }
  void Abort(const std::string& key, const std::string& upload_id) {
    (void)client.Send({"DELETE", key, {{"uploadId", upload_id}}, {}, {}, nullptr});
  }
  Result<ObjectInfo> PutMultipart(const std::string& key, std::istream& body, std::string& buf,
                                  int64_t max_bytes);
};

S3ObjectStore::S3ObjectStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
S3ObjectStore::~S3ObjectStore() = default;

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(S3Location where, AwsCredentials creds,
                                                           int64_t part_bytes, int list_page_keys) {
  if (part_bytes < (5 << 20)) return Status::BadInput("S3 multipart parts must be at least 5 MiB");
  if (list_page_keys < 1 || list_page_keys > 1000)
    return Status::BadInput("S3 listings take 1 to 1000 keys a page");
  if (creds.access_key.empty() || creds.secret_key.empty())
    return Status::BadInput(
        "S3 storage needs credentials: storage access key and secret key, or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(
      std::make_unique<Impl>(std::move(where), std::move(creds), part_bytes, list_page_keys)));
}

Result<ObjectInfo> S3ObjectStore::Put(const std::string& key, std::istream& body,
                                      int64_t max_bytes) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  if (max_bytes < 0) return Status::BadInput("max_bytes must not be negative");
  std::string buf;
  if (!ReadPart(body, buf, static_cast<size_t>(impl_->part_bytes)))
    return Status::Io("reading the body of object '" + key + "' failed");
  if (static_cast<int64_t>(buf.size()) > max_bytes)
    return Status(ErrorKind::kTooLarge,
                  "object larger than " + std::to_string(max_bytes) + " bytes");
  if (static_cast<int64_t>(buf.size()) < impl_->part_bytes) {  // the whole body: one request
    std::string sha = Sha256Hex(buf);
    if (Status s = impl_->PutSmall(key, buf, sha); !s.ok()) return s;
    (void)impl_->client.Send(
        {"DELETE", key + kShaSidecarSuffix, {}, {}, {}, nullptr});  // stale sidecar
    return ObjectInfo{key, static_cast<int64_t>(buf.size()), sha, std::chrono::system_clock::now()};
  }
  return impl_->PutMultipart(key, body, buf, max_bytes);
}

Result<ObjectInfo> S3ObjectStore::Impl::PutMultipart(const std::string& key, std::istream& body,
                                                     std::string& buf, int64_t max_bytes) {
  auto created = Ok({"POST", key, {{"uploads", ""}}, {}, {}, nullptr}, "starting upload of " + key);
  if (!created.ok()) return created.status();
  std::string upload_id = XmlText(created->body, "UploadId");
  if (upload_id.empty()) return Status::Io("the object store gave no UploadId for " + key);
  Sha256 whole;
  int64_t size = 0;
  std::string complete = "<CompleteMultipartUpload>";
  auto fail = [&](Status s) -> Result<ObjectInfo> {
    Abort(key, upload_id);  // no orphan parts left behind
    return s;
  };
  for (int part = 1; !buf.empty(); ++part) {
    size += static_cast<int64_t>(buf.size());
    if (size > max_bytes)
      return fail(Status(ErrorKind::kTooLarge,
                         "object larger than " + std::to_string(max_bytes) + " bytes"));
    whole.Update(buf);
    S3Request r{"PUT", key, {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}},
                {},    buf, nullptr};
    auto sent = Ok(r, "uploading part " + std::to_string(part) + " of " + key);
    if (!sent.ok()) return fail(sent.status());
    complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" +
                sent->headers["etag"] + "</ETag></Part>";
    if (!ReadPart(body, buf, static_cast<size_t>(part_bytes)))
      return fail(Status::Io("reading the body of object '" + key + "' failed"));
  }
  complete += "</CompleteMultipartUpload>";
  std::string sha = whole.FinishHex();
  // The hash first: when the object appears, its hash is already there.
  if (Status s = PutSmall(key + kShaSidecarSuffix, sha, ""); !s.ok()) return fail(s);
  auto done = Ok({"POST",
                  key,
                  {{"uploadId", upload_id}},
                  {{"Content-Type", "application/xml"}},
                  complete,
                  nullptr},
                 "completing upload of " + key);
  // S3 may answer 200 and still fail, with an <Error> body.
  if (done.ok() && IsS3ErrorReply(done->body)) done = S3Error(*done, "completing upload of " + key);
  if (!done.ok()) {
    (void)client.Send({"DELETE", key + kShaSidecarSuffix, {}, {}, {}, nullptr});
    return fail(done.status());
  }
  return ObjectInfo{key, size, sha, std::chrono::system_clock::now()};
}

Result<ObjectInfo> S3ObjectStore::Head(const std::string& key) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  auto res = impl_->client.Send({"HEAD", key, {}, {}, {}, nullptr});
  if (!res.ok()) return res.status();
  if (res->status == 404) return Status::NotFound("no object '" + key + "'");
  if (res->status < 200 || res->status >= 300) return S3Error(*res, "HEAD " + key);
  ObjectInfo info{key, std::atoll(res->headers["content-length"].c_str()), res->headers[kShaMeta],
                  ParseTime(res->headers["last-modified"])};
  if (info.sha256.empty()) {  // a multipart object: its hash is in the sidecar
    std::ostringstream sha;
    auto side = impl_->Ok({"GET", key + kShaSidecarSuffix, {}, {}, {}, &sha}, "GET hash of " + key);
    if (side.ok()) info.sha256 = sha.str();
  }
  return info;
}

Status S3ObjectStore::Get(const std::string& key, int64_t offset, int64_t length,
                          std::ostream& out) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  if (offset < 0) return Status::BadInput("range not satisfiable: negative offset");
  if (length == 0) {
    auto head = Head(key);
    if (!head.ok()) return head.status();
    if (offset > 0 && offset >= head->size) return Status::BadInput("range not satisfiable");
    return Status::Ok();
  }
  RangeBuf range(out, length);
  std::ostream ranged(&range);
  S3Request r{"GET", key, {}, {}, {}, &ranged};
  if (offset > 0 || length > 0) {
    r.headers.push_back({"Range", "bytes=" + std::to_string(offset) + "-" +
                                      (length > 0 ? std::to_string(offset + length - 1) : "")});
    r.on_sink_start = [&](long status, const std::map<std::string, std::string>&) {
      if (status == 200) range.Skip(offset);  // the whole object: Range was ignored
    };
  }
  auto res = impl_->client.Send(r);
  if (!res.ok()) return res.status();
  if (res->status == 404) return Status::NotFound("no object '" + key + "'");
  if (res->status == 416) return Status::BadInput("range not satisfiable");
  if (res->status < 200 || res->status >= 300) return S3Error(*res, "GET " + key);
  return Status::Ok();
}

Status S3ObjectStore::Delete(const std::string& key) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  for (const std::string& k : {key, key + kShaSidecarSuffix}) {
    auto res = impl_->client.Send({"DELETE", k, {}, {}, {}, nullptr});
    if (!res.ok()) return res.status();
    if (res->status != 404 && (res->status < 200 || res->status >= 300))
      return S3Error(*res, "DELETE " + k);
  }
  return Status::Ok();
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::string token;
  const std::string& base = impl_->where.prefix;
  do {
    S3Request r{"GET",
                "",
                {{"list-type", "2"},
                 {"prefix", base + prefix},
                 {"max-keys", std::to_string(impl_->list_page_keys)}},
                {},
                {},
                nullptr};
    if (!token.empty()) r.query.push_back({"continuation-token", token});
    auto res = impl_->Ok(r, "listing " + prefix);
    if (!res.ok()) return res.status();
    for (auto& c : XmlRecords(res->body, "Contents")) {
      std::string key = c["Key"].substr(std::min(base.size(), c["Key"].size()));
      if (key.find('~') != std::string::npos) continue;  // hash sidecars
      out.push_back({key, std::atoll(c["Size"].c_str()), "", ParseTime(c["LastModified"])});
    }
    token = XmlText(res->body, "IsTruncated") == "true"
                ? XmlText(res->body, "NextContinuationToken")
                : "";
  } while (!token.empty());
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

std::string S3ObjectStore::Presign(
    const std::string& method, const std::string& key, int expires_s,
    const std::vector<std::pair<std::string, std::string>>& query) const {
  SigV4Request r{Upper(method), impl_->where.Host(), impl_->where.Path(key), query, {}, ""};
  SigV4Scope scope{impl_->where.region, "s3", AmzDate(std::chrono::system_clock::now())};
  return PresignV4(impl_->where.scheme, r, impl_->creds, scope, expires_s);
}

Result<std::string> S3ObjectStore::BeginUpload(const std::string& key) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  auto created =
      impl_->Ok({"POST", key, {{"uploads", ""}}, {}, {}, nullptr}, "starting upload of " + key);
  if (!created.ok()) return created.status();
  std::string upload_id = XmlText(created->body, "UploadId");
  if (upload_id.empty()) return Status::Io("the object store gave no UploadId for " + key);
  return upload_id;
}

std::string S3ObjectStore::PresignPart(const std::string& key, const std::string& upload_id,
                                       int number, int expires_s) const {
  return Presign("PUT", key, expires_s,
                 {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}});
}

Result<UploadedPart> S3ObjectStore::PutPart(const std::string& key, const std::string& upload_id,
                                            int number, std::istream& body, int64_t max_bytes) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  if (Status s = ValidatePartNumber(number); !s.ok()) return s;
  std::string buf;
  if (!ReadPart(body, buf, static_cast<size_t>(max_bytes) + 1))
    return Status::Io("reading part " + std::to_string(number) + " failed");
  if (static_cast<int64_t>(buf.size()) > max_bytes)
    return Status(ErrorKind::kTooLarge, "part larger than " + std::to_string(max_bytes) + " bytes");
  auto sent = impl_->Ok({"PUT",
                         key,
                         {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
                         {},
                         buf,
                         nullptr},
                        "uploading part " + std::to_string(number) + " of " + key);
  if (!sent.ok()) return sent.status();
  return UploadedPart{number, static_cast<int64_t>(buf.size()), sent->headers["etag"]};
}

Result<std::vector<UploadedPart>> S3ObjectStore::ListParts(const std::string& key,
                                                           const std::string& upload_id) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  std::vector<UploadedPart> out;
  std::string marker;
  for (;;) {
    S3Request r{"GET", key, {{"uploadId", upload_id}}, {}, {}, nullptr};
    if (!marker.empty()) r.query.push_back({"part-number-marker", marker});
    auto res = impl_->client.Send(r);
    if (!res.ok()) return res.status();
    if (res->status == 404) return Status::NotFound("no upload '" + upload_id + "' of " + key);
    if (res->status == 405 || res->status == 501)
      return Status::BadInput("the object store does not list the parts of an upload (ListParts)");
    if (res->status < 200 || res->status >= 300) return S3Error(*res, "listing parts of " + key);
    auto page = ParseListParts(res->body);
    out.insert(out.end(), page.begin(), page.end());
    if (XmlText(res->body, "IsTruncated") != "true") break;
    marker = XmlText(res->body, "NextPartNumberMarker");
    if (marker.empty()) break;
  }
  return out;
}

std::vector<UploadedPart> ParseListParts(const std::string& xml) {
  std::vector<UploadedPart> parts;
  for (auto& p : XmlRecords(xml, "Part"))
    parts.push_back({std::atoi(p["PartNumber"].c_str()), std::atoll(p["Size"].c_str()), p["ETag"]});
  return parts;
}

Result<ObjectInfo> S3ObjectStore::CompleteUpload(const std::string& key,
                                                 const std::string& upload_id,
                                                 const std::vector<UploadedPart>& parts) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  if (parts.empty()) return Status::BadInput("an upload needs at least one part");
  std::string complete = "<CompleteMultipartUpload>";
  int last = 0;
  for (const auto& p : parts) {
    if (p.number <= last) return Status::BadInput("parts must be listed in ascending order");
    last = p.number;
    complete += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" + p.etag +
                "</ETag></Part>";
  }
  complete += "</CompleteMultipartUpload>";
  auto done = impl_->Ok({"POST",
                         key,
                         {{"uploadId", upload_id}},
                         {{"Content-Type", "application/xml"}},
                         complete,
                         nullptr},
                        "completing upload of " + key);
  if (done.ok() && IsS3ErrorReply(done->body)) done = S3Error(*done, "completing upload of " + key);
  if (!done.ok()) {
    // Parts the client named that S3 will not join are the client's mistake, as in every store.
    const std::string& code = done.status().code();
    if (code == "InvalidPart" || code == "InvalidPartOrder" || code == "EntityTooSmall")
      return Status::BadInput(done.status().message()).WithCode(code);
    return done.status();
  }
  // The object's SHA-256: read it back once, streaming (the parts went around this process).
  Sha256Sink sink;
  std::ostream out(&sink);
  if (Status s = Get(key, 0, -1, out); !s.ok()) return s;
  std::string sha = sink.sha.FinishHex();
  if (Status s = impl_->PutSmall(key + kShaSidecarSuffix, sha, ""); !s.ok()) return s;
  return ObjectInfo{key, sink.size, sha, std::chrono::system_clock::now()};
}

Status S3ObjectStore::AbortUpload(const std::string& key, const std::string& upload_id) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  auto res = impl_->client.Send({"DELETE", key, {{"uploadId", upload_id}}, {}, {}, nullptr});
  if (!res.ok()) return res.status();
  // 404: already gone. 405: s3rver has no AbortMultipartUpload (its parts expire with it).
  if (res->status == 404 || res->status == 405 || (res->status >= 200 && res->status < 300))
    return Status::Ok();
  return S3Error(*res, "aborting upload of " + key);
}

std::string S3ObjectStore::S3Uri(const std::string& key) const {
  return "s3://" + impl_->where.bucket + "/" + impl_->where.prefix + key;
}

}  // namespace minutes
