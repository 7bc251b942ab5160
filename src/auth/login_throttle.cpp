#include "auth/login_throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace minutes {
namespace {

constexpr int64_t kForgetAfterS = 86400;  // a counter idle this long starts again from zero

std::string UserSubject(const std::string& username) { return "user:" + username; }

}  // namespace

int64_t LoginThrottle::DelayAfter(int64_t failures, int free, int base, int max) {
  if (failures <= free) return 0;
  int64_t over = failures - free - 1;
  if (over >= 30) return max;  // 2^30 s is past any sensible maximum
  return std::min<int64_t>(int64_t{base} << over, max);
}

std::string LoginThrottle::AddressSubject(const std::string& address) {
  if (address.empty()) return "";
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    bool mapped = IN6_IS_ADDR_V4MAPPED(&v6);
    if (mapped) return "addr:" + address.substr(address.rfind(':') + 1);
    std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);  // the /64
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &v6, text, sizeof text);
    return "addr:" + std::string(text) + "/64";
  }
  return "addr:" + address;
}

Status LoginThrottle::Check(const std::string& username, const std::string& address, int64_t now) {
  std::string addr = AddressSubject(address);
  auto rows = db_.Query(
      "SELECT subject, locked_until FROM login_throttle WHERE subject IN (?, ?) AND "
      "locked_until >= ?",
      {UserSubject(username), addr.empty() ? UserSubject(username) : addr, now});
  if (!rows.ok()) return rows.status();
  int64_t until = 0;
  bool by_user = false;
  for (const auto& r : *rows) {
    if (AsInt(r[1]) > until) until = AsInt(r[1]), by_user = AsString(r[0]).rfind("user:", 0) == 0;
  }
  if (rows->empty()) return Status::Ok();
  // Times are whole seconds: a lock until second U holds through all of U, so it lasts at least
  // its delay however late in a second it began, and U - now + 1 is when it is surely over.
  const int64_t wait = until - now + 1;
  return Status::ResourceExhausted(std::string("too many failed sign-ins ") +
                                   (by_user ? "for this username" : "from this address") +
                                   "; try again in " + std::to_string(wait) + " s")
      .WithRetryAfter(static_cast<double>(wait));
}

Result<int64_t> LoginThrottle::Fail(Database& tx, const std::string& subject, int free,
                                    int64_t now) {
  auto rows =
      tx.Query("SELECT failures, last_failure_at FROM login_throttle WHERE subject = ?", {subject});
  if (!rows.ok()) return rows.status();
  int64_t failures = 1;
  if (!rows->empty() && AsInt((*rows)[0][1]) >= now - kForgetAfterS)
    failures = AsInt((*rows)[0][0]) + 1;
  int64_t delay = DelayAfter(failures, free, o_.base_delay_s, o_.max_delay_s);
  int64_t until = delay > 0 ? now + delay : 0;
  Status s = rows->empty() ? tx.Exec(
                                 "INSERT INTO login_throttle (subject, failures, last_failure_at, "
                                 "locked_until) VALUES (?, ?, ?, ?)",
                                 {subject, failures, now, until})
                           : tx.Exec(
                                 "UPDATE login_throttle SET failures = ?, last_failure_at = ?, "
                                 "locked_until = ? WHERE subject = ?",
                                 {failures, now, until, subject});
  if (!s.ok()) return s;
  return delay;
}

Result<int64_t> LoginThrottle::RecordFailure(const std::string& username,
                                             const std::string& address, int64_t now) {
  int64_t wait = 0;
  std::string addr = AddressSubject(address);
  Status s = db_.Transaction([&](Database& tx) -> Status {
    wait = 0;  // the transaction may be retried
    auto user = Fail(tx, UserSubject(username), o_.free_failures_per_user, now);
    if (!user.ok()) return user.status();
    wait = *user;
    if (!addr.empty()) {
      auto by_addr = Fail(tx, addr, o_.free_failures_per_address, now);
      if (!by_addr.ok()) return by_addr.status();
      wait = std::max(wait, *by_addr);
    }
    // Counters of usernames tried once and never again do not pile up.
    return tx.Exec("DELETE FROM login_throttle WHERE last_failure_at < ?", {now - kForgetAfterS});
  });
  if (!s.ok()) return s;
  return wait;
}

Status LoginThrottle::RecordSuccess(const std::string& username, const std::string& address) {
  std::string addr = AddressSubject(address);
  return db_.Exec("DELETE FROM login_throttle WHERE subject IN (?, ?)",
                  {UserSubject(username), addr.empty() ? UserSubject(username) : addr});
}

}  // namespace minutes
