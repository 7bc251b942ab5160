#pragma once
// Password hashing (argon2id) and API key material; no I/O besides the system RNG.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "core/status.hpp"
#include "crypto/sha256.hpp"  // Sha256Hex: API keys and upload tokens are stored only as this

namespace minutes {

/// argon2id parameters; the defaults follow RFC 9106's second recommendation scaled for a
/// server that verifies logins often (t=3, 64 MiB, p=1).
struct PasswordParams {
  uint32_t t_cost = 3;
  uint32_t m_cost_kib = 64 * 1024;
  uint32_t parallelism = 1;
};

/// Hashes a password into an encoded argon2id string ("$argon2id$v=19$m=…"), salted randomly.
/// BadInput for an empty password or one longer than 1024 bytes.
Result<std::string> HashPassword(const std::string& password, const PasswordParams& p = {});

/// True when `password` matches the encoded hash; false for a mismatch or a malformed hash.
bool VerifyPassword(const std::string& password, const std::string& encoded);

/// `n` random bytes from the OS as lowercase hex (2n characters).
Result<std::string> RandomHex(size_t n);

/// Bounds how many password hashes run at once: each argon2id call holds `m_cost_kib` of memory
/// for tens of milliseconds, so unbounded concurrent logins are a memory (and CPU) flood.
/// Thread-safe.
class HashSlots {
 public:
  /// `concurrency` hashes at once (>= 1); up to `queue` more callers wait, each at most
  /// `max_wait`; past that callers are turned away at once.
  HashSlots(int concurrency, int queue,
            std::chrono::milliseconds max_wait = std::chrono::milliseconds(3000))
      : concurrency_(concurrency < 1 ? 1 : concurrency),
        queue_(queue < 0 ? 0 : queue),
        max_wait_(max_wait) {}
  HashSlots(const HashSlots&) = delete;
  HashSlots& operator=(const HashSlots&) = delete;
  /// Runs `fn` in a slot. Unavailable with a Retry-After of 1 s when every slot is busy and the
  /// queue is full, or the wait ran out; `fn` did not run then.
  Status Run(const std::function<void()>& fn);
  /// Hashes running now (for tests and metrics).
  int running() const;

 private:
  const int concurrency_, queue_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int running_ = 0, waiting_ = 0;
};

}  // namespace minutes
