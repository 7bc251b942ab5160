#pragma once
// Password hashing (argon2id) and API key material; no I/O besides the system RNG.
#include <string>

#include "core/status.hpp"

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

/// Lowercase hex SHA-256 of `data` (API keys are stored only as this).
std::string Sha256Hex(const std::string& data);

}  // namespace minutes
