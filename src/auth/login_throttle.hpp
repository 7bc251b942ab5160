#pragma once
// Failed-login counters per username and per client address, kept in the database so that every
// API instance sees the same ones (table login_throttle).
#include <cstdint>
#include <string>

#include "core/status.hpp"
#include "db/database.hpp"

namespace minutes {

/// `auth.login_*`: after `free_failures` consecutive failures, each further one locks the
/// subject for base_delay_s, then twice that, … up to max_delay_s. A success resets both
/// counters; a counter unused for a day is forgotten.
struct LoginThrottleOptions {
  int free_failures_per_user = 5;
  int free_failures_per_address = 20;  ///< higher: many people may share one address (NAT)
  int base_delay_s = 1;
  int max_delay_s = 900;
};

/// The counters. Thread-safe as the Database is.
class LoginThrottle {
 public:
  LoginThrottle(Database& db, LoginThrottleOptions options) : db_(db), o_(options) {}

  /// Ok, or ResourceExhausted (with Retry-After) while the username or the address is locked.
  /// A lock of d seconds recorded in second n holds through second n + d.
  /// `address` may be empty (no address known): only the username counts then.
  Status Check(const std::string& username, const std::string& address, int64_t now);
  /// Counts a failure against both; returns how many seconds the next attempt must wait (0 when
  /// it need not).
  Result<int64_t> RecordFailure(const std::string& username, const std::string& address,
                                int64_t now);
  /// Forgets both counters.
  Status RecordSuccess(const std::string& username, const std::string& address);

  /// The lock after `failures` consecutive failures: 0 up to `free`, then base·2^(n−free−1),
  /// at most `max`.
  static int64_t DelayAfter(int64_t failures, int free, int base, int max);
  /// The address as counted: IPv6 by its /64 (one host usually has the whole /64), IPv4 (also
  /// IPv4-mapped IPv6) as it is; "" for "".
  static std::string AddressSubject(const std::string& address);

 private:
  Result<int64_t> Fail(Database& tx, const std::string& subject, int free, int64_t now);
  Database& db_;
  LoginThrottleOptions o_;
};

}  // namespace minutes
