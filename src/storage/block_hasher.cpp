#include "storage/block_hasher.hpp"

namespace minutes {

BlockHasher::~BlockHasher() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BlockHasher::Update(const char* data, size_t n) {
  Await();
  sha_.Update(data, n);
}

void BlockHasher::Start(const char* data, size_t n) {
  Await();
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
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
