#include "http/handler_pool.hpp"

#include <pthread.h>

namespace minutes {

HandlerPool::HandlerPool(int threads, size_t queue_limit) : queue_limit_(queue_limit) {
  for (int i = 0; i < std::max(1, threads); ++i)
    threads_.emplace_back([this, i] {
      std::string name = "handler-" + std::to_string(i);
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      Run();
    });
}

HandlerPool::~HandlerPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool HandlerPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void HandlerPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

size_t HandlerPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void HandlerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace minutes
