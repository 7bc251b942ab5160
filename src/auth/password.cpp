#include "auth/password.hpp"

#include <argon2.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "crypto/hex.hpp"

namespace minutes {
namespace {

// The kernel's CSPRNG (the one OpenSSL seeds from), read directly: salts, ids and secrets need
// no library, and start-up does not pay for initialising OpenSSL's random generator.
bool RandomBytes(unsigned char* p, size_t n) {
  for (size_t got = 0; got < n;) {
    ssize_t r = getrandom(p + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password, const PasswordParams& p) {
  if (password.empty()) return Status::BadInput("password: must not be empty");
  if (password.size() > 1024) return Status::BadInput("password: longer than 1024 bytes");
  unsigned char salt[16];
  if (!RandomBytes(salt, sizeof salt)) return Status::Internal("no random bytes for a salt");
  constexpr size_t kHashLen = 32;
  size_t len =
      argon2_encodedlen(p.t_cost, p.m_cost_kib, p.parallelism, sizeof salt, kHashLen, Argon2_id);
  std::vector<char> encoded(len);
  int rc =
      argon2id_hash_encoded(p.t_cost, p.m_cost_kib, p.parallelism, password.data(), password.size(),
                            salt, sizeof salt, kHashLen, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return Status::Internal(std::string("argon2id: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool VerifyPassword(const std::string& password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Status HashSlots::Run(const std::function<void()>& fn) {
  const Status busy =
      Status::Unavailable("too many sign-ins at once; try again in a moment").WithRetryAfter(1);
  {
    std::unique_lock lock(mu_);
    if (running_ >= concurrency_) {
      if (waiting_ >= queue_) return busy;
      ++waiting_;
      bool got = freed_.wait_for(lock, max_wait_, [&] { return running_ < concurrency_; });
      --waiting_;
      if (!got) return busy;
    }
    ++running_;
  }
  struct Release {
    HashSlots* s;
    ~Release() {
      {
        std::lock_guard lock(s->mu_);
        --s->running_;
      }
      s->freed_.notify_one();
    }
  } release{this};
  fn();
  return Status::Ok();
}

int HashSlots::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

Result<std::string> RandomHex(size_t n) {
  std::vector<unsigned char> buf(n);
  if (!RandomBytes(buf.data(), n)) return Status::Internal("no random bytes available");
  return HexEncode(buf.data(), n);
}

}  // namespace minutes
