#pragma once
// SHA-256 of a stream of blocks, hashed on a thread of its own while the caller goes on (a large
// upload's blocks are hashed during their disk write, not before it): on this project's 2-core
// machines SHA-256 (~1.6 GB/s with SHA-NI) was half of an upload's CPU time and ran in series
// with receiving and writing.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "crypto/sha256.hpp"

namespace minutes {

class BlockHasher {
 public:
  BlockHasher() = default;
  ~BlockHasher();
  BlockHasher(const BlockHasher&) = delete;
  BlockHasher& operator=(const BlockHasher&) = delete;

  /// Hashes `n` bytes at `data` now, on the caller's thread, after every block handed over
  /// before.
  void Update(const char* data, size_t n);
  /// Hashes `n` bytes at `data` on the hashing thread (started on first use; at most one per
  /// core in the process, else here and now); `data` must stay valid and unchanged until
  /// Await(). One block at a time: a second Start awaits the first.
  void Start(const char* data, size_t n);
  /// Waits until the block handed to Start is hashed.
  void Await();
  /// Lower-case hex of the digest of everything so far; call once, last.
  std::string FinishHex();

 private:
  void Run();

  Sha256 sha_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  const char* block_ = nullptr;  // being hashed (or waiting to be) when not null
  size_t block_size_ = 0;
  bool stop_ = false;
};

}  // namespace minutes
