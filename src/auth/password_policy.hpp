#pragma once
// Which passwords the service accepts: long enough, not among the most common, not the username.
#include <string>

#include "core/status.hpp"

namespace minutes {

/// The rules a new password must pass (`auth.password_min_length`).
struct PasswordPolicy {
  int min_length = 10;  ///< in characters (Unicode code points), not bytes
};

/// Ok, or FailedPrecondition naming the rule the password breaks (BadInput when it is empty or
/// longer than 1024 bytes). Never repeats the password in the message.
Status CheckPassword(const std::string& password, const std::string& username,
                     const PasswordPolicy& policy);

/// Whether `password` (compared case-insensitively) is on the committed list of common
/// passwords (src/auth/common_passwords.txt: zxcvbn's 30,000, those of 8+ characters).
bool IsCommonPassword(const std::string& password);

/// Number of Unicode code points in UTF-8 text (continuation bytes are not counted).
size_t CodePoints(const std::string& utf8);

}  // namespace minutes
