#include "core/blocking.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "core/request_local.hpp"

namespace minutes {
namespace {

constexpr int kSlots = 8;
using Slots = std::array<void*, kSlots>;

std::atomic<BlockingRunner> g_runner{nullptr};
std::atomic<int> g_slots_used{0};
thread_local Slots t_slots{};

// The compiler takes a thread-local's address to be the same for a whole function, and, when it
// can see that a function only returns such an address, calls it once (found: RunBlocking
// restored the slots on the thread the request had left). But a request comes back from
// RunBlocking on another thread: noipa keeps every call a real one that asks this thread.
[[gnu::noipa]] Slots& ThisThreadsSlots() { return t_slots; }

}  // namespace

namespace request_local_detail {

int NewSlot() {
  int slot = g_slots_used.fetch_add(1);
  if (slot >= kSlots) {
    std::fputs("minutes: more RequestLocal slots than the fixed table holds\n", stderr);
    std::abort();
  }
  return slot;
}

void* Get(int slot) { return ThisThreadsSlots()[static_cast<size_t>(slot)]; }

void Set(int slot, void* value) { ThisThreadsSlots()[static_cast<size_t>(slot)] = value; }

}  // namespace request_local_detail

void InstallBlockingRunner(BlockingRunner runner) { g_runner.store(runner); }

void RunBlocking(const std::function<void()>& fn) {
  BlockingRunner runner = g_runner.load(std::memory_order_acquire);
  if (runner == nullptr) {
    fn();
    return;
  }
  // The request's slots go with it: cleared here for whatever this thread serves meanwhile,
  // set on the thread that runs `fn`, and restored on the thread that continues the request.
  const Slots carried = ThisThreadsSlots();
  struct Restore {
    const Slots& carried;
    ~Restore() { ThisThreadsSlots() = carried; }
  } restore{carried};
  ThisThreadsSlots() = Slots{};
  runner([&] {
    ThisThreadsSlots() = carried;
    struct Clear {
      ~Clear() { ThisThreadsSlots() = Slots{}; }
    } clear;
    fn();
  });
}

}  // namespace minutes
