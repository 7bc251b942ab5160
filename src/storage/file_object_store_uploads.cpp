// FileObjectStore's direct uploads: each part a file in the upload's directory, staged and
// renamed into place like an object (so a part is whole or absent), joined into the object by
// streaming the parts in order through Put (hashed, staged, renamed).
#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <streambuf>

#include "crypto/hex.hpp"
#include "storage/file_object_store.hpp"
#include "storage/staged_file.hpp"

namespace minutes {
namespace fs = std::filesystem;
namespace {

constexpr const char* kUploadsDir = "~uploads";
constexpr size_t kChunk = 1 << 20;

// The parts' files one after another, as one stream.
class PartsBuf : public std::streambuf {
 public:
  explicit PartsBuf(std::vector<fs::path> files) : files_(std::move(files)), buf_(kChunk) {}
  bool failed() const { return failed_; }

 protected:
  int_type underflow() override {
    while (true) {
      if (fd_ < 0) {
        if (next_ == files_.size()) return traits_type::eof();
        fd_ = open(files_[next_++].c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) return Fail();
      }
      ssize_t n = read(fd_, buf_.data(), buf_.size());
      if (n < 0) return Fail();
      if (n > 0) {
        setg(buf_.data(), buf_.data(), buf_.data() + n);
        return traits_type::to_int_type(buf_[0]);
      }
      close(fd_);
      fd_ = -1;
    }
  }

 private:
  int_type Fail() {
    failed_ = true;
    return traits_type::eof();
  }
  std::vector<fs::path> files_;
  std::vector<char> buf_;
  size_t next_ = 0;
  int fd_ = -1;
  bool failed_ = false;

 public:
  ~PartsBuf() override {
    if (fd_ >= 0) close(fd_);
  }
};

bool ValidUploadId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

Result<fs::path> FileObjectStore::UploadDir(const std::string& upload_id) const {
  if (!ValidUploadId(upload_id)) return Status::NotFound("no upload '" + upload_id + "'");
  fs::path dir = root_ / kUploadsDir / upload_id;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("no upload '" + upload_id + "'");
  return dir;
}

Result<std::string> FileObjectStore::BeginUpload(const std::string& key) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status::Internal("no randomness for an upload id");
  std::string id = HexEncode(raw, sizeof raw);
  std::error_code ec;
  ec = CreatePrivateDirectories(root_ / kUploadsDir / id);
  if (ec) return FileError("cannot start an upload", ec);
  return id;
}

Result<UploadedPart> FileObjectStore::PutPart(const std::string& key, const std::string& upload_id,
                                              int number, std::istream& body, int64_t max_bytes) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  if (Status s = ValidatePartNumber(number); !s.ok()) return s;
  auto dir = UploadDir(upload_id);
  if (!dir.ok()) return dir.status();
  StagedFile data(root_ / "~staging");
  if (data.fd() < 0) return FileError("cannot stage a part", errno);
  int64_t size = 0;
  for (;;) {
    auto n = data.WriteFrom(body, kChunk);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    size += static_cast<int64_t>(*n);
    if (size > max_bytes)
      return Status(ErrorKind::kTooLarge,
                    "part larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (body.bad()) return Status::Io("reading part " + std::to_string(number) + " failed");
  if (Status s = data.SyncAndClose(); !s.ok()) return s;
  fs::path target = *dir / std::to_string(number);
  if (std::rename(data.path().c_str(), target.c_str()) != 0)
    return FileError("cannot store part " + std::to_string(number), errno);
  data.Release();
  std::string etag = "\"" + data.Sha256Hex().substr(0, 32) + "\"";
  if (Status s = WritePrivateFile(target.string() + "~etag", etag); !s.ok()) return s;
  return UploadedPart{number, size, etag};
}

Result<std::vector<UploadedPart>> FileObjectStore::ListParts(const std::string& key,
                                                             const std::string& upload_id) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  auto dir = UploadDir(upload_id);
  if (!dir.ok()) return dir.status();
  std::vector<UploadedPart> parts;
  std::error_code ec;
  for (fs::directory_iterator it(*dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.find('~') != std::string::npos) continue;
    UploadedPart p;
    p.number = std::atoi(name.c_str());
    p.size = static_cast<int64_t>(it->file_size(ec));
    std::ifstream(it->path().string() + "~etag") >> p.etag;
    if (p.number > 0) parts.push_back(p);
  }
  if (ec) return Status::Io("cannot list upload '" + upload_id + "': " + ec.message());
  std::sort(parts.begin(), parts.end(),
            [](const UploadedPart& a, const UploadedPart& b) { return a.number < b.number; });
  return parts;
}

Result<ObjectInfo> FileObjectStore::CompleteUpload(const std::string& key,
                                                   const std::string& upload_id,
                                                   const std::vector<UploadedPart>& parts) {
  auto have = ListParts(key, upload_id);
  if (!have.ok()) return have.status();
  std::vector<fs::path> files;
  int last = 0;
  for (const auto& p : parts) {
    if (p.number <= last) return Status::BadInput("parts must be listed in ascending order");
    last = p.number;
    auto it = std::find_if(have->begin(), have->end(),
                           [&](const UploadedPart& h) { return h.number == p.number; });
    if (it == have->end())
      return Status::BadInput("part " + std::to_string(p.number) + " was not uploaded");
    if (!p.etag.empty() && p.etag != it->etag)
      return Status::BadInput("part " + std::to_string(p.number) +
                              " has changed: its ETag is not " + p.etag);
    files.push_back(root_ / kUploadsDir / upload_id / std::to_string(p.number));
  }
  if (files.empty()) return Status::BadInput("an upload needs at least one part");
  PartsBuf buf(std::move(files));
  std::istream joined(&buf);
  auto info = Put(key, joined, INT64_MAX);
  if (buf.failed()) return Status::Io("reading the parts of upload '" + upload_id + "' failed");
  if (!info.ok()) return info.status();
  (void)AbortUpload(key, upload_id);
  return info;
}

Status FileObjectStore::AbortUpload(const std::string& key, const std::string& upload_id) {
  if (Status s = ValidateObjectKey(key); !s.ok()) return s;
  if (!ValidUploadId(upload_id)) return Status::Ok();
  std::error_code ec;
  fs::remove_all(root_ / kUploadsDir / upload_id, ec);
  if (ec) return Status::Io("cannot remove upload '" + upload_id + "': " + ec.message());
  return Status::Ok();
}

}  // namespace minutes
