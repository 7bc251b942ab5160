#include "asr/model_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "asr/model_catalog.hpp"
#include "net/curl_api.hpp"
#include "net/http_client.hpp"
#include "storage/sha256.hpp"

namespace minutes {
namespace fs = std::filesystem;

const std::vector<ModelInfo>& ModelCatalog() { return kModelCatalog; }

const ModelInfo* FindModel(const std::string& name) {
  for (const auto& m : ModelCatalog())
    if (m.name == name) return &m;
  return nullptr;
}

std::string ModelFileName(const std::string& name) { return "ggml-" + name + ".bin"; }

std::vector<InstalledModel> InstalledModels(const std::string& dir) {
  std::vector<InstalledModel> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.rfind("ggml-", 0) != 0 || file.size() <= 9 || !file.ends_with(".bin")) continue;
    if (!it->is_regular_file(ec)) continue;
    InstalledModel m;
    m.name = file.substr(5, file.size() - 9);
    m.path = it->path().string();
    m.bytes = static_cast<int64_t>(it->file_size(ec));
    m.known = FindModel(m.name) != nullptr;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return out;
}

int64_t PartialBytes(const std::string& dir, const std::string& name) {
  std::error_code ec;
  auto n = fs::file_size(fs::path(dir) / (ModelFileName(name) + ".part"), ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

Status VerifyModelFile(const std::string& path, const ModelInfo& model) {
  std::error_code ec;
  const auto size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) return Status::NotFound(path + " is not there");
  if (model.bytes > 0 && size != model.bytes)
    return Status::BadInput(fs::path(path).filename().string() + " has " + std::to_string(size) +
                            " bytes, expected " + std::to_string(model.bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path);
  Sha256 sha;
  std::vector<char> buf(1 << 20);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
    sha.Update(buf.data(), static_cast<size_t>(in.gcount()));
  const std::string got = sha.FinishHex();
  if (got != model.sha256)
    return Status::BadInput(fs::path(path).filename().string() + " has SHA-256 " + got +
                            ", expected " + model.sha256);
  return Status::Ok();
}

Status RemoveModel(const std::string& dir, const std::string& name) {
  const fs::path file = fs::path(dir) / ModelFileName(name);
  std::error_code ec;
  const bool had = fs::remove(file, ec);
  if (ec) return Status::Io("cannot remove " + file.string() + ": " + ec.message());
  const bool had_part = fs::remove(file.string() + ".part", ec);
  if (!had && !had_part) return Status::NotFound("model " + name + " is not installed in " + dir);
  return Status::Ok();
}

namespace {

// One transfer: the final reply's status decides whether the body appends to the partial file
// (206), replaces it (200) or is an error text to report (anything else).
struct Transfer {
  std::string part;
  int64_t have = 0;  // bytes in the partial file when the request went out
  long status = 0;
  int fd = -1;
  std::string error_body;
  int64_t written = 0;
  const PullOptions* o = nullptr;
  bool write_failed = false;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // every response of a redirect chain starts over
    auto sp = line.find(' ');
    t->status = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->status != 200 && t->status != 206 && t->status != 0) {
    if (t->error_body.size() < 1024) t->error_body.append(data, std::min<size_t>(bytes, 1024));
    return bytes;
  }
  if (t->fd < 0) {
    // 200: the server sent the whole file (it ignored or could not honour the range).
    if (t->status == 200) t->have = 0;
    int flags = O_WRONLY | O_CREAT | (t->status == 206 ? O_APPEND : O_TRUNC);
    t->fd = ::open(t->part.c_str(), flags, 0644);
    if (t->fd < 0) return t->write_failed = true, 0;
  }
  for (size_t off = 0; off < bytes;) {
    ssize_t w = ::write(t->fd, data + off, bytes - off);
    if (w <= 0) return t->write_failed = true, 0;
    off += static_cast<size_t>(w);
  }
  t->written += static_cast<int64_t>(bytes);
  return bytes;
}

int OnProgress(void* user, curl_off_t dltotal, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->o->progress && (t->status == 200 || t->status == 206))
    t->o->progress(t->have + t->written, dltotal > 0 ? t->have + dltotal : 0);
  return 0;
}

std::string Join(std::string base, const std::string& file) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + file;
}

}  // namespace

Result<PullResult> PullModel(const ModelInfo& model, const PullOptions& o) {
  if (auto curl = LoadCurl(); !curl.ok()) return curl.status();
  PullResult r;
  const std::string file = ModelFileName(model.name);
  const fs::path dest = fs::path(o.dir) / file;
  r.path = dest.string();
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) return Status::Io("cannot create the models directory " + o.dir + ": " + ec.message());
  if (fs::exists(dest, ec) && VerifyModelFile(dest.string(), model).ok()) {
    r.already = true;
    r.bytes = static_cast<int64_t>(fs::file_size(dest, ec));
    return r;
  }

  Transfer t;
  t.part = dest.string() + ".part";
  t.o = &o;
  t.have = PartialBytes(o.dir, model.name);
  if (model.bytes > 0 && t.have > model.bytes) {  // not a prefix of this model: start over
    fs::remove(t.part, ec);
    t.have = 0;
  }
  r.resumed_from = t.have;
  const std::string url = Join(o.base_url, file);
  bool complete = model.bytes > 0 && t.have == model.bytes;
  if (!complete) {
    CURL* h = Curl().easy_init();
    if (h == nullptr) return Status::Internal("libcurl could not start a transfer");
    char error[CURL_ERROR_SIZE] = "";
    const std::string range = std::to_string(t.have) + "-";
    Curl().easy_setopt(h, CURLOPT_URL, url.c_str());
    Curl().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);  // the Hub redirects to its CDN
    Curl().easy_setopt(h, CURLOPT_MAXREDIRS, 8L);
    Curl().easy_setopt(h, CURLOPT_USERAGENT, "minutes-models/1");
    if (t.have > 0) Curl().easy_setopt(h, CURLOPT_RANGE, range.c_str());
    Curl().easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    Curl().easy_setopt(h, CURLOPT_HEADERDATA, &t);
    Curl().easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    Curl().easy_setopt(h, CURLOPT_WRITEDATA, &t);
    Curl().easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    Curl().easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    Curl().easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    Curl().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.stall_seconds));
    Curl().easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    Curl().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    Curl().easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = Curl().easy_perform(h);
    if (t.status == 0 && rc == CURLE_OK)  // file:// and other header-less transfers
      Curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.status);
    Curl().easy_cleanup(h);
    if (t.fd >= 0) {
      ::fsync(t.fd);
      ::close(t.fd);
    }
    const std::string where = UrlForMessages(url);
    if (t.write_failed)
      return Status::Io("cannot write " + t.part + " (is the disk full?); pull again to resume");
    if (t.status == 416 && t.have > 0) {  // the partial file already has every byte
      complete = true;
    } else if (t.status != 200 && t.status != 206 && t.status != 0) {
      std::string why = t.error_body.substr(0, 200);
      while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
      std::string msg = where + " answered HTTP " + std::to_string(t.status) +
                        (why.empty() ? "" : " (" + why + ")");
      if (t.status == 404) return Status::NotFound(msg + ": the mirror has no " + file);
      return Status::Unavailable(msg);
    } else if (rc != CURLE_OK) {
      const int64_t got = t.have + t.written;
      return Status::Unavailable(
          "pull of " + model.name + " from " + where + " stopped after " + std::to_string(got) +
          (model.bytes > 0 ? " of " + std::to_string(model.bytes) : std::string()) + " bytes (" +
          (error[0] ? error : Curl().easy_strerror(rc)) + "); run the same pull again to resume");
    }
  }
  const int64_t size = PartialBytes(o.dir, model.name);
  if (model.bytes > 0 && size < model.bytes)
    return Status::Unavailable("pull of " + model.name + " ended early at " + std::to_string(size) +
                               " of " + std::to_string(model.bytes) +
                               " bytes; run the same pull again to resume");
  Status v = VerifyModelFile(t.part, model);
  if (!v.ok()) {
    fs::remove(t.part, ec);
    return Status::BadInput("downloaded " + v.message() + " — deleted; the download was corrupt " +
                            "or " + UrlForMessages(url) + " serves a different file");
  }
  fs::rename(t.part, dest, ec);
  if (ec) return Status::Io("cannot move the model into " + dest.string() + ": " + ec.message());
  r.bytes = size;
  return r;
}

}  // namespace minutes
