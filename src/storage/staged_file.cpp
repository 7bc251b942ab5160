#include "storage/staged_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace minutes {
namespace {

constexpr size_t kAlign = 4096;           // O_DIRECT wants offsets, sizes, memory aligned
constexpr size_t kBlockBytes = 4u << 20;  // one direct write per 4 MiB
constexpr off_t kWriteback = 16 << 20;    // buffered mode: start writeback every 16 MiB

Status Errno(const std::string& what, int err) { return FileError(what, err); }

}  // namespace

Status FileError(const std::string& what, int err) {
  std::string message = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::InsufficientStorage(message);
  return Status::Io(message);
}

Status FileError(const std::string& what, const std::error_code& ec) {
  if (ec.category() == std::generic_category() || ec.category() == std::system_category())
    return FileError(what, ec.value());
  return Status::Io(what + ": " + ec.message());
}

std::error_code CreatePrivateDirectories(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
  if (dir.has_parent_path() && dir.parent_path() != dir)
    if (auto parent = CreatePrivateDirectories(dir.parent_path())) return parent;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return {errno, std::generic_category()};
  return {};
}

Status WritePrivateFile(const std::filesystem::path& path, std::string_view content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FileError("cannot create " + path.string(), errno);
  for (size_t done = 0; done < content.size();) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      int err = errno;
      close(fd);
      return FileError("cannot write " + path.string(), err);
    }
    done += static_cast<size_t>(w);
  }
  if (close(fd) != 0) return FileError("cannot write " + path.string(), errno);
  return Status::Ok();
}

StagedFile::StagedFile(const std::filesystem::path& dir) {
  std::string pattern = (dir / "put-XXXXXX").string();
  fd_ = mkstemp(pattern.data());
  if (fd_ < 0) return;
  path_ = pattern;
  void* mem = nullptr;
  int flags = fcntl(fd_, F_GETFL);
  // tmpfs and some network file systems refuse O_DIRECT: they keep buffered writes.
  if (flags >= 0 && posix_memalign(&mem, kAlign, kBlockBytes) == 0) {
    block_ = {static_cast<char*>(mem), std::free};
    direct_ = fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;
    if (!direct_) block_.reset();
  }
}

StagedFile::~StagedFile() {
  if (fd_ >= 0) close(fd_);
  if (!path_.empty()) unlink(path_.c_str());
}

Status StagedFile::WriteAll(const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      last_errno_ = errno;
      return Errno("writing staged object", last_errno_);
    }
    data += w;
    n -= static_cast<size_t>(w);
    written_ += w;
  }
  return Status::Ok();
}

Status StagedFile::Write(const char* data, size_t n) {
  if (!direct_) {
    if (Status s = WriteAll(data, n); !s.ok()) return s;
    // Start writing back while the body is still arriving, so the final fsync has little to do.
    if (written_ - synced_ >= kWriteback) {
      (void)sync_file_range(fd_, synced_, written_ - synced_, SYNC_FILE_RANGE_WRITE);
      synced_ = written_;
    }
    return Status::Ok();
  }
  while (n > 0) {
    size_t take = std::min(n, kBlockBytes - used_);
    std::memcpy(block_.get() + used_, data, take);
    used_ += take;
    data += take;
    n -= take;
    if (used_ == kBlockBytes)
      if (Status s = FlushBlocks(); !s.ok()) return s;
  }
  return Status::Ok();
}

// Writes the whole aligned blocks of block_ directly; keeps the unaligned rest at its start.
Status StagedFile::FlushBlocks() {
  size_t whole = used_ / kAlign * kAlign;
  if (whole > 0) {
    off_t at = written_;
    Status s = WriteAll(block_.get(), whole);
    if (!s.ok() && last_errno_ == EINVAL) {
      // Some file systems accept O_DIRECT at open and refuse the writes: go buffered instead.
      int flags = fcntl(fd_, F_GETFL);
      if (flags >= 0 && fcntl(fd_, F_SETFL, flags & ~O_DIRECT) == 0 &&
          lseek(fd_, at, SEEK_SET) == at) {
        written_ = at;
        s = WriteAll(block_.get(), whole);
      }
    }
    if (!s.ok()) return s;
    std::memmove(block_.get(), block_.get() + whole, used_ - whole);
    used_ -= whole;
  }
  return Status::Ok();
}

Status StagedFile::SyncAndClose() {
  if (direct_) {
    if (Status s = FlushBlocks(); !s.ok()) return s;
    if (used_ > 0) {  // the unaligned tail goes through the page cache
      int flags = fcntl(fd_, F_GETFL);
      if (flags < 0 || fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0)
        return Errno("switching staged object to buffered writes", errno);
      if (Status s = WriteAll(block_.get(), used_); !s.ok()) return s;
      used_ = 0;
    }
  }
  // fsync also for direct writes: it commits the file's size and block allocation.
  if (fsync(fd_) != 0) return Errno("syncing staged object", errno);
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) return Errno("closing staged object", errno);
  return Status::Ok();
}

}  // namespace minutes
