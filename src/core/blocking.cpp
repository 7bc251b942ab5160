#include "core/blocking.hpp"

#include <atomic>

namespace minutes {
namespace {
std::atomic<BlockingRunner> g_runner{nullptr};
}  // namespace

void InstallBlockingRunner(BlockingRunner runner) { g_runner.store(runner); }

void RunBlocking(const std::function<void()>& fn) {
  BlockingRunner runner = g_runner.load(std::memory_order_acquire);
  if (runner == nullptr)
    fn();
  else
    runner(fn);
}

}  // namespace minutes
