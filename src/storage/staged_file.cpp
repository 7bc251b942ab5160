#include "storage/staged_file.hpp"

#include <fcntl.h>
#include <liburing.h>
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

struct StagedFile::Ring {
  io_uring ring{};
};

StagedFile::~StagedFile() {
  (void)AwaitWrite();  // the kernel must be done with spare_ before it is freed
  if (fd_ >= 0) close(fd_);
  if (!path_.empty()) unlink(path_.c_str());
}

Status StagedFile::WriteAt(const char* data, size_t n, off_t at) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, data, n, at);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      last_errno_ = errno;
      return Errno("writing staged object", last_errno_);
    }
    data += w;
    n -= static_cast<size_t>(w);
    at += w;
  }
  return Status::Ok();
}

Status StagedFile::WriteAll(const char* data, size_t n) {
  if (Status s = WriteAt(data, n, written_); !s.ok()) return s;
  written_ += static_cast<off_t>(n);
  return Status::Ok();
}

Status StagedFile::Write(const char* data, size_t n) {
  if (!direct_) {
    hasher_.Update(data, n);
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

Result<size_t> StagedFile::WriteFrom(std::istream& in, size_t n) {
  if (!direct_) {
    constexpr size_t kReadBytes = 1 << 20;
    // Not zero-filled: a slowly arriving body makes its pages resident only as bytes come.
    if (!read_buffer_) read_buffer_.reset(new char[kReadBytes]);
    in.read(read_buffer_.get(), static_cast<std::streamsize>(std::min(n, kReadBytes)));
    auto got = static_cast<size_t>(in.gcount());
    if (got > 0)
      if (Status s = Write(read_buffer_.get(), got); !s.ok()) return s;
    return got;
  }
  in.read(block_.get() + used_, static_cast<std::streamsize>(std::min(n, kBlockBytes - used_)));
  auto got = static_cast<size_t>(in.gcount());
  used_ += got;
  if (used_ == kBlockBytes)
    if (Status s = FlushBlocks(); !s.ok()) return s;
  return got;
}

// Writes the whole aligned blocks of block_ directly; keeps the unaligned rest at its start.
Status StagedFile::FlushBlocks() {
  size_t whole = used_ / kAlign * kAlign;
  if (whole == 0) return Status::Ok();
  if (!ring_tried_) {  // only files that grow a whole block get a ring and a second buffer
    ring_tried_ = true;
    void* mem = nullptr;
    auto ring = std::unique_ptr<Ring, void (*)(Ring*)>(new Ring, [](Ring* r) {
      io_uring_queue_exit(&r->ring);
      delete r;
    });
    if (io_uring_queue_init(2, &ring->ring, 0) == 0) {
      if (posix_memalign(&mem, kAlign, kBlockBytes) == 0) {
        spare_ = {static_cast<char*>(mem), std::free};
        ring_ = std::move(ring);
      } else {
        io_uring_queue_exit(&ring->ring);
        delete ring.release();
      }
    } else {
      delete ring.release();  // never initialised: nothing to exit
    }
  }
  if (ring_ && direct_) return Submit(whole);
  off_t at = written_;
  hasher_.Update(block_.get(), whole);
  if (Status s = WriteDirect(block_.get(), whole, at); !s.ok()) return s;
  written_ = at + static_cast<off_t>(whole);
  std::memmove(block_.get(), block_.get() + whole, used_ - whole);
  used_ -= whole;
  return Status::Ok();
}

Status StagedFile::Submit(size_t whole) {
  if (Status s = AwaitWrite(); !s.ok()) return s;  // spare_ is free again
  std::swap(block_, spare_);
  // The unaligned rest starts the next block.
  std::memcpy(block_.get(), spare_.get() + whole, used_ - whole);
  used_ -= whole;
  hasher_.Start(spare_.get(), whole);  // hashed while the disk writes it
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
  io_uring_prep_write(sqe, fd_, spare_.get(), static_cast<unsigned>(whole),
                      static_cast<uint64_t>(written_));
  in_flight_ = whole;
  in_flight_at_ = written_;
  written_ += static_cast<off_t>(whole);
  int r = io_uring_submit(&ring_->ring);
  if (r < 0) {  // not submitted: write it now
    in_flight_ = 0;
    return WriteDirect(spare_.get(), whole, in_flight_at_);
  }
  return Status::Ok();
}

Status StagedFile::AwaitWrite() {
  hasher_.Await();  // spare_ is reused after this: its hash must be done too
  if (in_flight_ == 0) return Status::Ok();
  size_t n = in_flight_;
  in_flight_ = 0;
  io_uring_cqe* cqe = nullptr;
  int r;
  do {
    r = io_uring_wait_cqe(&ring_->ring, &cqe);
  } while (r == -EINTR);
  if (r < 0) return Errno("waiting for a staged write", -r);
  int res = cqe->res;
  io_uring_cqe_seen(&ring_->ring, cqe);
  if (res == static_cast<int>(n)) return Status::Ok();
  if (res >= 0)  // short: the rest the ordinary way
    return WriteDirect(spare_.get() + res, n - static_cast<size_t>(res), in_flight_at_ + res);
  last_errno_ = -res;
  if (last_errno_ == EINVAL) return WriteDirect(spare_.get(), n, in_flight_at_);
  return Errno("writing staged object", last_errno_);
}

Status StagedFile::WriteDirect(const char* data, size_t n, off_t at) {
  Status s = WriteAt(data, n, at);
  if (!s.ok() && last_errno_ == EINVAL) {
    // Some file systems accept O_DIRECT at open and refuse the writes: go buffered instead.
    int flags = fcntl(fd_, F_GETFL);
    if (flags >= 0 && fcntl(fd_, F_SETFL, flags & ~O_DIRECT) == 0) s = WriteAt(data, n, at);
  }
  return s;
}

Status StagedFile::SyncAndClose() {
  if (direct_) {
    if (Status s = FlushBlocks(); !s.ok()) return s;
    if (Status s = AwaitWrite(); !s.ok()) return s;
    if (used_ > 0) {  // the unaligned tail goes through the page cache
      int flags = fcntl(fd_, F_GETFL);
      if (flags < 0 || fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0)
        return Errno("switching staged object to buffered writes", errno);
      hasher_.Update(block_.get(), used_);
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
