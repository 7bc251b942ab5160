#pragma once
// Stackful coroutines on the handler pool: a route handler written as plain blocking code
// (reading its body from an istream, writing a download to an ostream) runs inside a Fiber; when
// it would wait for the network, the server suspends it instead, which frees the pool thread
// until the bytes are there. A slow client therefore costs a small stack, never a thread.
#include <boost/context/fiber.hpp>
#include <cstddef>
#include <functional>
#include <memory>

#include "http/handler_pool.hpp"

namespace minutes {

class Fiber : public std::enable_shared_from_this<Fiber> {
 public:
  /// Queues `body` to start on `pool`; `done` runs on a pool thread once `body` has returned
  /// and the fiber's stack is gone. False (nothing queued) when the pool's queue is full.
  /// `body` must not throw.
  static bool Start(HandlerPool& pool, std::function<void()> body, std::function<void()> done);
  /// The fiber running on this thread, or nullptr outside fibers.
  static Fiber* Current();
  /// Fibers alive now (started and not yet done), process-wide.
  static size_t Alive();

  /// From inside this fiber: switches back to the pool thread, which then runs `then` (start
  /// the operation that will call Resume from there). Returns once resumed, possibly on
  /// another pool thread.
  void Suspend(std::function<void()> then);
  /// From any thread, once per Suspend: queues the fiber to continue (never refused).
  void Resume();

  Fiber(HandlerPool& pool, std::function<void()> body, std::function<void()> done);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

 private:
  void RunSlice();

  HandlerPool& pool_;
  std::function<void()> body_, done_, then_;
  boost::context::fiber self_;             ///< this fiber while it is not running
  boost::context::fiber caller_;           ///< the pool thread's context while the fiber runs
  std::shared_ptr<Fiber> suspended_self_;  ///< keeps a suspended fiber alive until Resume
  bool finished_ = false;
  // AddressSanitizer's view of the stack switches (see fiber.cpp).
  const void* stack_bottom_ = nullptr;
  size_t stack_size_ = 0;
  const void* thread_bottom_ = nullptr;
  size_t thread_size_ = 0;
  void* fake_stack_ = nullptr;
};

}  // namespace minutes
