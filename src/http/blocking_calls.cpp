#include "http/blocking_calls.hpp"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "http/fiber.hpp"

namespace minutes {
namespace {

constexpr auto kIdleExit = std::chrono::seconds(20);

class BlockingThreads {
 public:
  void Post(std::function<void()> task) {
    bool start = false;
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
      ++calls_;
      if (idle_ > 0) {
        --idle_;  // that one is taken: a second Post starts another thread instead
        ++woken_;
      } else if (alive_ < kMaxBlockingThreads) {
        ++alive_;
        start = true;
      }
    }
    if (start)
      std::thread([this] { Run(); }).detach();
    else
      cv_.notify_one();
  }
  size_t alive() {
    std::lock_guard lock(mu_);
    return static_cast<size_t>(alive_);
  }
  uint64_t calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  void Run() {
    pthread_setname_np(pthread_self(), "blocking-call");
    std::unique_lock lock(mu_);
    for (;;) {
      while (!queue_.empty()) {
        auto task = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        task();
        task = nullptr;
        lock.lock();
      }
      ++idle_;
      bool woke = cv_.wait_for(lock, kIdleExit, [this] { return woken_ > 0; });
      if (woke) {
        --woken_;
        continue;
      }
      --idle_;
      --alive_;
      return;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  int alive_ = 0, idle_ = 0, woken_ = 0;
  uint64_t calls_ = 0;
};

BlockingThreads& Threads() {
  static auto* threads = new BlockingThreads;  // never destroyed: its threads are detached
  return *threads;
}

}  // namespace

void RunOffHandlerThreads(const std::function<void()>& fn) {
  Fiber* fiber = Fiber::Current();
  if (fiber == nullptr) {
    fn();
    return;
  }
  std::exception_ptr failed;
  // `fn` and `failed` live on the fiber's stack, which stays put while the fiber is suspended.
  fiber->Suspend([fiber, &fn, &failed] {
    Threads().Post([fiber, &fn, &failed] {
      try {
        fn();
      } catch (...) {
        failed = std::current_exception();
      }
      fiber->Resume();
    });
  });
  if (failed) std::rethrow_exception(failed);
}

size_t BlockingThreadsAlive() { return Threads().alive(); }

uint64_t BlockingCallsSoFar() { return Threads().calls(); }

}  // namespace minutes
