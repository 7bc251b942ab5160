#include "storage/file_object_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <vector>

#include "crypto/sha256.hpp"
#include "storage/staged_file.hpp"

namespace minutes {
namespace fs = std::filesystem;
namespace {

constexpr size_t kChunkBytes = 1024 * 1024;
constexpr const char* kStagingDir = "~staging";

std::string ErrnoText(const std::string& what, int err) { return what + ": " + std::strerror(err); }

std::string ShaPathOf(const fs::path& object) { return object.string() + kShaSidecarSuffix; }

Result<std::string> HashFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path.string());
  Sha256 sha;
  std::vector<char> buf(kChunkBytes);
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0)
    sha.Update(buf.data(), static_cast<size_t>(in.gcount()));
  if (in.bad()) return Status::Io("cannot read " + path.string());
  return sha.FinishHex();
}

}  // namespace

Result<std::unique_ptr<FileObjectStore>> FileObjectStore::Open(const fs::path& root) {
  if (root.empty()) return Status::BadInput("object store directory is empty");
  std::error_code ec;
  fs::path absolute = fs::absolute(root, ec).lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();  // drop a trailing '/'
  // Objects are the tenants' recordings and transcripts: directories 0700, files 0600.
  if (!ec) ec = CreatePrivateDirectories(absolute / kStagingDir);
  if (ec) return FileError("cannot create object store at " + root.string(), ec);
  // A store made before this rule is tightened too; one that is not ours is left alone.
  for (const fs::path& dir : {absolute, absolute / kStagingDir}) (void)chmod(dir.c_str(), 0700);
  return std::unique_ptr<FileObjectStore>(new FileObjectStore(absolute));
}

Result<ObjectInfo> FileObjectStore::Put(const std::string& key, std::istream& body,
                                        int64_t max_bytes) {
  if (Status valid = ValidateObjectKey(key); !valid.ok()) return valid;
  if (max_bytes < 0) return Status::BadInput("max_bytes must not be negative");
  StagedFile data(root_ / kStagingDir);
  if (data.fd() < 0) return FileError("cannot create staged object", errno);

  int64_t size = 0;
  for (;;) {
    auto n = data.WriteFrom(body, kChunkBytes);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    size += static_cast<int64_t>(*n);
    if (size > max_bytes)
      return Status(ErrorKind::kTooLarge,
                    "object larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (body.bad()) return Status::Io("reading the body of object '" + key + "' failed");
  if (Status s = data.SyncAndClose(); !s.ok()) return s;

  ObjectInfo info{key, size, data.Sha256Hex(), {}};
  StagedFile sidecar(root_ / kStagingDir);
  if (sidecar.fd() < 0) return FileError("cannot create staged sidecar", errno);
  if (Status s = sidecar.Write(info.sha256.data(), info.sha256.size()); !s.ok()) return s;
  if (Status s = sidecar.SyncAndClose(); !s.ok()) return s;

  const fs::path target = root_ / key;
  std::unique_lock lock(mutex_);
  std::error_code ec;
  ec = CreatePrivateDirectories(target.parent_path());
  if (ec) return FileError("cannot create directory for '" + key + "'", ec);
  // Data first, sidecar second, both under the lock: Head never pairs bytes with a stale hash.
  if (std::rename(data.path().c_str(), target.c_str()) != 0)
    return FileError("cannot store object '" + key + "'", errno);
  data.Release();
  if (std::rename(sidecar.path().c_str(), ShaPathOf(target).c_str()) != 0)
    return FileError("cannot store hash of object '" + key + "'", errno);
  sidecar.Release();
  return HeadLocked(key);
}

Result<ObjectInfo> FileObjectStore::Head(const std::string& key) {
  if (Status valid = ValidateObjectKey(key); !valid.ok()) return valid;
  std::shared_lock lock(mutex_);
  return HeadLocked(key);
}

Result<ObjectInfo> FileObjectStore::HeadLocked(const std::string& key) {
  const fs::path path = root_ / key;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Status::NotFound("no object '" + key + "'");
  ObjectInfo info{key, static_cast<int64_t>(st.st_size), "", {}};
  info.modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  std::ifstream sidecar(ShaPathOf(path));
  if (!(sidecar >> info.sha256) || info.sha256.size() != 64) {
    // Placed by hand, without a sidecar: hash the bytes instead.
    Result<std::string> hashed = HashFile(path);
    if (!hashed.ok()) return hashed.status();
    info.sha256 = hashed.value();
  }
  return info;
}

Status FileObjectStore::Get(const std::string& key, int64_t offset, int64_t length,
                            std::ostream& out) {
  if (Status valid = ValidateObjectKey(key); !valid.ok()) return valid;
  if (offset < 0 || length < -1) return Status::BadInput("range not satisfiable");
  std::ifstream in;
  int64_t size = 0;
  {
    // Open under the lock; the open file keeps its bytes even if replaced or deleted later.
    std::shared_lock lock(mutex_);
    const fs::path path = root_ / key;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return Status::NotFound("no object '" + key + "'");
    in.open(path, std::ios::binary);
    if (!in) return Status::Io("cannot open object '" + key + "'");
    size = static_cast<int64_t>(st.st_size);
  }
  if (offset > size || (offset == size && size > 0))
    return Status::BadInput("range not satisfiable");
  int64_t remaining = size - offset;
  if (length >= 0) remaining = std::min(remaining, length);
  in.seekg(offset);
  std::vector<char> buf(kChunkBytes);
  while (remaining > 0) {
    const auto want = static_cast<std::streamsize>(std::min<int64_t>(remaining, buf.size()));
    in.read(buf.data(), want);
    if (in.gcount() != want) return Status::Io("short read from object '" + key + "'");
    out.write(buf.data(), want);
    if (!out) return Status::Io("writing object '" + key + "' to the output failed");
    remaining -= want;
  }
  return Status::Ok();
}

Status FileObjectStore::Delete(const std::string& key) {
  if (Status valid = ValidateObjectKey(key); !valid.ok()) return valid;
  std::unique_lock lock(mutex_);
  const fs::path path = root_ / key;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return Status::Ok();  // a "prefix"
  if (unlink(path.c_str()) != 0 && errno != ENOENT)
    return Status::Io(ErrnoText("cannot delete object '" + key + "'", errno));
  unlink(ShaPathOf(path).c_str());
  // Prune directories the object leaves empty, so deleted prefixes vanish as they do in S3.
  for (fs::path dir = path.parent_path(); dir != root_; dir = dir.parent_path())
    if (rmdir(dir.c_str()) != 0) break;
  return Status::Ok();
}

Result<int> FileObjectStore::SweepIncomplete(std::chrono::system_clock::time_point older_than) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(root_ / kStagingDir, ec), end; !ec && it != end;
       it.increment(ec)) {
    auto mtime = it->last_write_time(ec);
    if (ec) continue;
    auto when = std::chrono::file_clock::to_sys(mtime);
    if (when < older_than && fs::remove(it->path(), ec)) ++removed;
  }
  if (ec) return Status::Io("cannot sweep " + (root_ / kStagingDir).string() + ": " + ec.message());
  return removed;
}

Result<std::vector<ObjectInfo>> FileObjectStore::List(const std::string& prefix) {
  std::shared_lock lock(mutex_);
  std::vector<ObjectInfo> objects;
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, ec), end;
  if (ec) return Status::Io("cannot list " + root_.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::Io("cannot list " + root_.string() + ": " + ec.message());
    const std::string name = it->path().lexically_relative(root_).generic_string();
    if (name == kStagingDir || name == "~uploads") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || !ValidateObjectKey(name).ok()) continue;  // sidecars have '~'
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    Result<ObjectInfo> info = HeadLocked(name);
    if (info.ok()) objects.push_back(std::move(info).value());
  }
  std::sort(objects.begin(), objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

}  // namespace minutes
