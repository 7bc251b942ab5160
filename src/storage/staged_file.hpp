#pragma once
// A file being written in the store's staging directory, published later by rename().
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "core/status.hpp"
#include "storage/block_hasher.hpp"

namespace minutes {

/// The Status for a failed file operation: kInsufficientStorage when the volume is full or the
/// quota used up (ENOSPC, EDQUOT), else kIo; the message is `what` and the system's reason.
Status FileError(const std::string& what, int err);
Status FileError(const std::string& what, const std::error_code& ec);

/// Creates `dir` and its missing parents with mode 0700 (stored data is for this service's
/// user only); existing directories are left as they are.
std::error_code CreatePrivateDirectories(const std::filesystem::path& dir);

/// Writes `content` to `path` (replaced if there), mode 0600.
Status WritePrivateFile(const std::filesystem::path& path, std::string_view content);

/// Created mode 0600. Unlinked on destruction unless Release()d after a successful rename. Where
/// the file system supports it, whole blocks are written with O_DIRECT from an aligned buffer: a
/// large upload then goes to the disk as it arrives instead of piling up in the page cache for the
/// fsync at the end (which on this project's machines ran at a fifth of the direct write rate).
/// Once a file has a whole block, blocks are written asynchronously (io_uring; two buffers, one
/// filling while the other is written), so receiving and hashing go on during the disk write;
/// where io_uring is refused (seccomp, old kernels) the writes are synchronous.
class StagedFile {
 public:
  explicit StagedFile(const std::filesystem::path& dir);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  /// -1 when the file could not be created (errno says why).
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  bool direct() const { return direct_; }

  Status Write(const char* data, size_t n);
  /// Reads up to `n` bytes of `in` straight into the write buffer (one copy less than reading
  /// into a buffer of one's own and Write-ing it): the bytes read, 0 at the end of `in` or when
  /// it failed (check in.bad()).
  Result<size_t> WriteFrom(std::istream& in, size_t n);
  /// Writes what is buffered, flushes to disk and closes, so a rename publishes whole bytes.
  Status SyncAndClose();
  /// SHA-256 (lower-case hex) of every byte written, after SyncAndClose; call once. Whole
  /// blocks are hashed on a thread of their own while the disk writes them.
  std::string Sha256Hex() { return hasher_.FinishHex(); }
  /// Keeps the file: it has been renamed into place.
  void Release() { path_.clear(); }

 private:
  Status WriteAll(const char* data, size_t n);
  Status FlushBlocks();
  Status WriteDirect(const char* data, size_t n, off_t at);  ///< n a multiple of kAlign
  Status WriteAt(const char* data, size_t n, off_t at);
  Status Submit(size_t n);  ///< block_'s first n bytes, asynchronously; block_ is swapped
  Status AwaitWrite();      ///< the asynchronous write in flight, if any

  int fd_ = -1;
  bool direct_ = false;
  std::filesystem::path path_;
  std::unique_ptr<char, void (*)(void*)> block_{nullptr, nullptr};  ///< aligned, kBlockBytes
  std::unique_ptr<char, void (*)(void*)> spare_{nullptr, nullptr};  ///< the one being written
  struct Ring;  ///< io_uring, made at the first block
  std::unique_ptr<Ring, void (*)(Ring*)> ring_{nullptr, nullptr};
  bool ring_tried_ = false;
  size_t in_flight_ = 0;  ///< bytes of spare_ being written at in_flight_at_
  off_t in_flight_at_ = 0;
  size_t used_ = 0;                      ///< bytes in block_
  int last_errno_ = 0;                   ///< of the last failed write
  off_t written_ = 0, synced_ = 0;       ///< for buffered writeback
  BlockHasher hasher_;                   ///< the bytes in file order, as they leave block_
  std::unique_ptr<char[]> read_buffer_;  ///< WriteFrom's, for buffered (not direct) files
};

}  // namespace minutes
