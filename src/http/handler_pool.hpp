#pragma once
// The threads that run route handlers (which may block on the database or storage), fed by a
// bounded queue: new work is refused when the queue is full, so overload becomes a quick 503
// instead of a growing backlog. Work that is already admitted (a suspended handler resuming)
// is never refused.
//
// Idle threads are woken last-idle-first: under light load the same one or two threads take
// every request (their stacks and caches warm), and the rest sleep until blocking handlers need
// them, so a pool sized for slow handlers costs nothing when handlers are quick. (With one
// condition variable shared by all threads, 8 threads on 2 cores served 25 % fewer requests than
// 2, with twice the p99: every request woke a different, cold thread.)
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace minutes {

class HandlerPool {
 public:
  /// `threads` >= 1 run the work; at most `queue_limit` new tasks wait for a thread.
  HandlerPool(int threads, size_t queue_limit);
  /// Runs what is queued, then joins the threads.
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  /// Queues new work; false (and nothing queued) when `queue_limit` tasks are already waiting.
  /// Thread-safe.
  bool TrySubmit(std::function<void()> task);
  /// Queues work that must run (continuations of admitted work). Thread-safe.
  void Submit(std::function<void()> task);
  /// Tasks waiting for a thread now.
  size_t queued() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  struct Sleeper {
    std::condition_variable cv;
    bool woken = false;
  };
  void Run();
  /// With mu_ held: takes the thread that went idle last off the idle stack (nullptr if none);
  /// the caller notifies it after unlocking.
  Sleeper* TakeIdle();

  mutable std::mutex mu_;
  std::vector<Sleeper*> idle_;  ///< threads waiting for work, the last to go idle at the back
  std::deque<std::function<void()>> queue_;
  size_t queue_limit_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace minutes
