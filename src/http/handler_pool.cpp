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
    for (Sleeper* s : idle_) {
      s->woken = true;
      s->cv.notify_one();
    }
    idle_.clear();
  }
  for (auto& t : threads_) t.join();
}

HandlerPool::Sleeper* HandlerPool::TakeIdle() {
  if (idle_.empty()) return nullptr;
  Sleeper* s = idle_.back();
  idle_.pop_back();
  s->woken = true;
  return s;
}

bool HandlerPool::TrySubmit(std::function<void()> task) {
  Sleeper* wake;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(task));
    wake = TakeIdle();
  }
  if (wake) wake->cv.notify_one();
  return true;
}

void HandlerPool::Submit(std::function<void()> task) {
  Sleeper* wake;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    wake = TakeIdle();
  }
  if (wake) wake->cv.notify_one();
}

size_t HandlerPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void HandlerPool::Run() {
  // Notified after mu_ is released, so a Sleeper on this stack is only ever notified while its
  // thread waits for it (TakeIdle took it off the stack under mu_; the thread cannot return
  // before it has seen `woken`).
  Sleeper me;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!queue_.empty()) {
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // what the task captured goes before the lock is taken again
      lock.lock();
      continue;
    }
    if (stopping_) return;  // nothing left
    me.woken = false;
    idle_.push_back(&me);
    me.cv.wait(lock, [&me] { return me.woken; });
  }
}

}  // namespace minutes
