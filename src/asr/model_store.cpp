#include "asr/model_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

#include "asr/model_catalog.hpp"
#include "crypto/sha256.hpp"
#include "net/http_client.hpp"

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

// The partial file a pull writes to: the final reply's status decides whether the body appends
// to it (206) or replaces it (200).
struct PartialFile {
  std::string path;
  int64_t have = 0;  // bytes in it when the request went out
  int fd = -1;
  int64_t written = 0;
  PartialFile() = default;
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  ~PartialFile() { Close(); }
  void Close() {
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
    fd = -1;
  }
  Status Open(long status) {
    if (status == 200) have = 0;  // the server sent the whole file (it ignored the range)
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | (status == 206 ? O_APPEND : O_TRUNC), 0644);
    return fd >= 0 ? Status::Ok() : WriteFailed();
  }
  Status Write(std::string_view piece) {
    for (size_t off = 0; off < piece.size();) {
      ssize_t w = ::write(fd, piece.data() + off, piece.size() - off);
      if (w <= 0) return WriteFailed();
      off += static_cast<size_t>(w);
    }
    written += static_cast<int64_t>(piece.size());
    return Status::Ok();
  }
  Status WriteFailed() const {
    return Status::Io("cannot write " + path + " (is the disk full?); pull again to resume");
  }
};

// A mirror on this machine's disk (an air-gapped install): the file copied from `offset` on, as
// a server answering the Range request would.
Status CopyFromMirror(const std::string& path, PartialFile& part,
                      const std::function<void(int64_t, int64_t)>& progress) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return Status::NotFound(path + ": the mirror has no such file (" + ec.message() + ")");
  const bool resume = part.have > 0 && part.have <= static_cast<int64_t>(size);
  if (Status s = part.Open(resume ? 206 : 200); !s.ok()) return s;
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.seekg(part.have)) return Status::Io("cannot read " + path);
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() <= 0) break;
    if (Status s = part.Write({buf.data(), static_cast<size_t>(in.gcount())}); !s.ok()) return s;
    if (progress) progress(part.have + part.written, static_cast<int64_t>(size));
  }
  if (in.bad()) return Status::Io("cannot read " + path);
  return Status::Ok();
}

std::string Join(std::string base, const std::string& file) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + file;
}

}  // namespace

Result<PullResult> PullModel(const ModelInfo& model, const PullOptions& o) {
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

  PartialFile part;
  part.path = dest.string() + ".part";
  part.have = PartialBytes(o.dir, model.name);
  if (model.bytes > 0 && part.have > model.bytes) {  // not a prefix of this model: start over
    fs::remove(part.path, ec);
    part.have = 0;
  }
  r.resumed_from = part.have;
  const std::string url = Join(o.base_url, file);
  const bool on_disk = url.rfind("file://", 0) == 0;
  if (on_disk && (model.bytes == 0 || part.have != model.bytes)) {
    if (Status s = CopyFromMirror(url.substr(7), part, o.progress); !s.ok()) return s;
  } else if (model.bytes == 0 || part.have != model.bytes) {
    HttpRequest req;
    req.method = "GET";
    req.url = url;
    req.headers = {{"User-Agent", "minutes-models/1"}};
    if (part.have > 0) req.headers.push_back({"Range", "bytes=" + std::to_string(part.have) + "-"});
    req.max_redirects = 8;                       // the Hub redirects to its CDN
    req.timeout = std::chrono::milliseconds(0);  // gigabytes: only a stall ends it
    req.stall_timeout = std::chrono::seconds(o.stall_seconds);
    req.connect_timeout = std::chrono::seconds(30);
    req.accept_compressed = false;  // the file's own bytes, for the range and the digest
    req.max_error_body = 1024;
    req.on_data_start = [&](const HttpResponse& head) { return part.Open(head.status); };
    req.on_data = [&](std::string_view piece) { return part.Write(piece); };
    if (o.progress)
      req.on_progress = [&](int64_t, int64_t total) {
        o.progress(part.have + part.written, total > 0 ? part.have + total : 0);
      };
    HttpClient http;
    auto got = http.Send(req);
    if (!got.ok() && got.status().kind() != ErrorKind::kUnavailable) return got.status();
    const std::string where = UrlForMessages(url);
    if (!got.ok()) {
      const int64_t bytes = part.have + part.written;
      return Status::Unavailable(
          "pull of " + model.name + " stopped after " + std::to_string(bytes) +
          (model.bytes > 0 ? " of " + std::to_string(model.bytes) : std::string()) + " bytes (" +
          got.status().message() + "); run the same pull again to resume");
    }
    if (got->status == 416 && part.have > 0) {
      // The partial file already has every byte.
    } else if (got->status != 200 && got->status != 206) {
      std::string why = got->body.substr(0, 200);
      while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
      std::string msg = where + " answered HTTP " + std::to_string(got->status) +
                        (why.empty() ? "" : " (" + why + ")");
      if (got->status == 404) return Status::NotFound(msg + ": the mirror has no " + file);
      return Status::Unavailable(msg);
    }
  }
  part.Close();  // flushed before it is measured and verified
  const int64_t size = PartialBytes(o.dir, model.name);
  if (model.bytes > 0 && size < model.bytes)
    return Status::Unavailable("pull of " + model.name + " ended early at " + std::to_string(size) +
                               " of " + std::to_string(model.bytes) +
                               " bytes; run the same pull again to resume");
  Status v = VerifyModelFile(part.path, model);
  if (!v.ok()) {
    fs::remove(part.path, ec);
    return Status::BadInput("downloaded " + v.message() + " — deleted; the download was corrupt " +
                            "or " + UrlForMessages(url) + " serves a different file");
  }
  fs::rename(part.path, dest, ec);
  if (ec) return Status::Io("cannot move the model into " + dest.string() + ": " + ec.message());
  r.bytes = size;
  return r;
}

}  // namespace minutes
