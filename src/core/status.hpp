#pragma once
// Errors as values: routine failures travel as Status / Result<T>, never as exceptions.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace minutes {

/// What kind of failure happened; callers map kinds to exit codes or HTTP statuses.
enum class ErrorKind { kOk, kBadInput, kNotFound, kIo, kUnavailable, kInternal };

/// Outcome of an operation: ok, or a kind plus a human-readable message.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  static Status Ok() { return {}; }
  static Status BadInput(std::string m) { return {ErrorKind::kBadInput, std::move(m)}; }
  static Status NotFound(std::string m) { return {ErrorKind::kNotFound, std::move(m)}; }
  static Status Io(std::string m) { return {ErrorKind::kIo, std::move(m)}; }
  static Status Internal(std::string m) { return {ErrorKind::kInternal, std::move(m)}; }
  static Status Unavailable(std::string m) { return {ErrorKind::kUnavailable, std::move(m)}; }

  bool ok() const { return kind_ == ErrorKind::kOk; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  /// For kUnavailable from a remote service: how long it asked us to wait (its Retry-After)
  /// before trying again; -1 when it did not say.
  double retry_after_s() const { return retry_after_s_; }
  Status WithRetryAfter(double seconds) && {
    retry_after_s_ = seconds;
    return std::move(*this);
  }

 private:
  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
  double retry_after_s_ = -1;
};

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace minutes
