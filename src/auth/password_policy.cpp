#include "auth/password_policy.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_set>

#include "core/text.hpp"

namespace minutes {
namespace detail {
extern const char* const kCommonPasswords;  // common_passwords.cpp, generated
}  // namespace detail
namespace {

const std::unordered_set<std::string_view>& CommonPasswords() {
  static const auto* set = [] {
    auto* s = new std::unordered_set<std::string_view>();
    std::string_view all(detail::kCommonPasswords);
    while (!all.empty()) {
      size_t end = all.find('\n');
      std::string_view line = all.substr(0, end);
      if (!line.empty() && line.front() != '#') s->insert(line);
      if (end == std::string_view::npos) break;
      all.remove_prefix(end + 1);
    }
    return s;
  }();
  return *set;
}

}  // namespace

size_t CodePoints(const std::string& utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsCommonPassword(const std::string& password) {
  return CommonPasswords().count(AsciiLower(password)) != 0;
}

Status CheckPassword(const std::string& password, const std::string& username,
                     const PasswordPolicy& policy) {
  if (password.empty()) return Status::BadInput("password: must not be empty");
  if (password.size() > 1024) return Status::BadInput("password: longer than 1024 bytes");
  if (CodePoints(password) < static_cast<size_t>(policy.min_length))
    return Status::FailedPrecondition("password: must be at least " +
                                      std::to_string(policy.min_length) + " characters long");
  if (!username.empty() && AsciiLower(password) == AsciiLower(username))
    return Status::FailedPrecondition("password: must not be the username");
  if (IsCommonPassword(password))
    return Status::FailedPrecondition(
        "password: one of the most common passwords, which are guessed first; choose another");
  return Status::Ok();
}

}  // namespace minutes
