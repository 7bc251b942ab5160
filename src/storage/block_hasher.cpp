#include "storage/block_hasher.hpp"

#include <algorithm>
#include <atomic>

namespace minutes {
namespace {

// Hashing threads alive in the process: at most one per core (more cannot run at once); an
// upload that finds them all taken hashes on its own thread, as before.
std::atomic<int> hashing_threads{0};

bool TakeHashingThread() {
  static const int limit = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  int n = hashing_threads.load();
  while (n < limit)
    if (hashing_threads.compare_exchange_weak(n, n + 1)) return true;
  return false;
}

}  // namespace

BlockHasher::~BlockHasher() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  --hashing_threads;
}

void BlockHasher::Update(const char* data, size_t n) {
  Await();
  sha_.Update(data, n);
}

void BlockHasher::Start(const char* data, size_t n) {
  Await();
  if (!thread_.joinable()) {
    if (!TakeHashingThread()) return sha_.Update(data, n);
    thread_ = std::thread([this] { Run(); });
  }
  {
    std::lock_guard lock(mu_);
    block_ = data;
    block_size_ = n;
  }
  cv_.notify_all();
}

void BlockHasher::Await() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return block_ == nullptr; });
}

std::string BlockHasher::FinishHex() {
  Await();
  return sha_.FinishHex();
}

void BlockHasher::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return block_ != nullptr || stop_; });
    if (block_ == nullptr) return;  // stopping with nothing to hash
    const char* data = block_;
    size_t n = block_size_;
    lock.unlock();
    sha_.Update(data, n);  // only this thread touches sha_ while block_ is set
    lock.lock();
    block_ = nullptr;
    cv_.notify_all();
  }
}

}  // namespace minutes
