#include "http/fiber.hpp"

#include <atomic>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <mutex>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define MINUTES_ASAN 1
#endif

namespace minutes {
namespace {

// Virtual size; only the pages a handler touches become resident. Sanitizers need more.
#ifdef MINUTES_ASAN
constexpr size_t kStackSize = 2 * 1024 * 1024;
#else
constexpr size_t kStackSize = 256 * 1024;
#endif
constexpr size_t kCachedStacks = 64;

thread_local Fiber* t_current = nullptr;
std::atomic<size_t> g_alive{0};

// Stacks are mmapped with a guard page; a few freed ones are kept for reuse (mmap + mprotect
// per request would cost more than the rest of a small request).
class StackCache {
 public:
  boost::context::stack_context Take() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        auto sc = free_.back();
        free_.pop_back();
        return sc;
      }
    }
    return alloc_.allocate();
  }
  void Give(boost::context::stack_context& sc) {
    {
      std::lock_guard lock(mu_);
      if (free_.size() < kCachedStacks) {
        free_.push_back(sc);
        return;
      }
    }
    alloc_.deallocate(sc);
  }

 private:
  std::mutex mu_;
  std::vector<boost::context::stack_context> free_;
  boost::context::protected_fixedsize_stack alloc_{kStackSize};
};

StackCache& Stacks() {
  static auto* cache = new StackCache;  // never destroyed: fibers may end during exit
  return *cache;
}

struct CachedStackAllocator {
  boost::context::stack_context* taken;  ///< where the fiber's stack bounds are reported
  boost::context::stack_context allocate() { return *taken = Stacks().Take(); }
  void deallocate(boost::context::stack_context& sc) noexcept { Stacks().Give(sc); }
};

// AddressSanitizer must be told about every switch between stacks, or it reports false errors
// (and misses real ones) on the fiber's stack.
void StartSwitch(void** fake_stack, const void* bottom, size_t size) {
#ifdef MINUTES_ASAN
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
void FinishSwitch(void* fake_stack, const void** old_bottom, size_t* old_size) {
#ifdef MINUTES_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
  (void)fake_stack, (void)old_bottom, (void)old_size;
#endif
}

}  // namespace

Fiber::Fiber(HandlerPool& pool, std::function<void()> body, std::function<void()> done)
    : pool_(pool), body_(std::move(body)), done_(std::move(done)) {
  ++g_alive;
}

Fiber::~Fiber() { --g_alive; }

size_t Fiber::Alive() { return g_alive.load(); }

Fiber* Fiber::Current() { return t_current; }

bool Fiber::Start(HandlerPool& pool, std::function<void()> body, std::function<void()> done) {
  auto f = std::make_shared<Fiber>(pool, std::move(body), std::move(done));
  boost::context::stack_context sc;
  f->self_ = boost::context::fiber(
      std::allocator_arg, CachedStackAllocator{&sc},
      [raw = f.get()](boost::context::fiber&& caller) {
        FinishSwitch(nullptr, &raw->thread_bottom_, &raw->thread_size_);
        raw->caller_ = std::move(caller);
        raw->body_();
        raw->body_ = nullptr;  // its captures die on this stack, before the switch out
        raw->finished_ = true;
        StartSwitch(nullptr, raw->thread_bottom_, raw->thread_size_);  // this stack ends
        return std::move(raw->caller_);
      });
  // The stack grows down from sp.
  f->stack_bottom_ = static_cast<char*>(sc.sp) - sc.size;
  f->stack_size_ = sc.size;
  return pool.TrySubmit([f] { f->RunSlice(); });
}

void Fiber::RunSlice() {
  auto keep = shared_from_this();
  Fiber* outer = t_current;
  t_current = this;
  void* thread_fake = nullptr;
  StartSwitch(&thread_fake, stack_bottom_, stack_size_);
  self_ = std::move(self_).resume();
  FinishSwitch(thread_fake, &stack_bottom_, &stack_size_);
  t_current = outer;
  if (finished_) {
    self_ = {};
    if (done_) done_();
    done_ = nullptr;
    return;
  }
  suspended_self_ = std::move(keep);  // alive while suspended, until Resume
  auto then = std::move(then_);
  then_ = nullptr;
  then();
}

void Fiber::Suspend(std::function<void()> then) {
  then_ = std::move(then);
  StartSwitch(&fake_stack_, thread_bottom_, thread_size_);
  caller_ = std::move(caller_).resume();
  FinishSwitch(fake_stack_, &thread_bottom_, &thread_size_);
}

void Fiber::Resume() {
  pool_.Submit([self = std::move(suspended_self_)] { self->RunSlice(); });
}

}  // namespace minutes
