#include "asr/provider_job.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace minutes {

namespace {

struct Slots {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> used;
};

Slots& AllSlots() {
  static Slots* slots = new Slots;  // never destroyed: threads may hold slots at exit
  return *slots;
}

}  // namespace

ProviderSlot::ProviderSlot(const std::string& key, int limit) : key_(key) {
  Slots& s = AllSlots();
  std::unique_lock lock(s.mu);
  s.cv.wait(lock, [&] { return s.used[key_] < std::max(1, limit); });
  ++s.used[key_];
}

ProviderSlot::~ProviderSlot() {
  Slots& s = AllSlots();
  {
    std::lock_guard lock(s.mu);
    --s.used[key_];
  }
  s.cv.notify_all();
}

int ProviderSlot::InUse(const std::string& key) {
  Slots& s = AllSlots();
  std::lock_guard lock(s.mu);
  return s.used[key];
}

std::string RandomHex(int n) {
  static const char* kHex = "0123456789abcdef";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < n; ++i) s += kHex[rd() % 16];
  return s;
}

bool SleepUnlessCanceled(std::chrono::milliseconds d, const std::function<bool()>& canceled) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (canceled && canceled()) return false;
    auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(100)));
  }
  return !(canceled && canceled());
}

std::chrono::milliseconds PollDelay(int n, std::chrono::milliseconds first,
                                    std::chrono::milliseconds max) {
  double ms = static_cast<double>(first.count()) * std::pow(1.5, std::min(n, 30));
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::min(ms, static_cast<double>(max.count()))));
}

Result<double> NumberParam(const std::string& what, const std::string& value, double lo,
                           double hi) {
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !(v >= lo && v <= hi)) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", lo, hi);
    return Status::BadInput(what + " must be a number from " + range + ", not \"" + value + "\"");
  }
  return v;
}

}  // namespace minutes
