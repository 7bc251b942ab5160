#pragma once
// Errors as values: routine failures travel as Status / Result<T>, never as exceptions.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace minutes {

/// What kind of failure happened; callers map kinds to exit codes or HTTP statuses.
/// (Abseil's canonical codes are the model; add a kind rather than compare message text.)
enum class ErrorKind {
  kOk,
  kBadInput,             // 400: the request itself is wrong
  kNotFound,             // 404
  kIo,                   // 500: local I/O failed
  kUnavailable,          // 503: a dependency is down or busy; retrying can help
  kInternal,             // 500: a bug
  kAlreadyExists,        // 409: the thing to create is there already
  kConflict,             // 409: the state changed under the caller (version, lease, race)
  kUnauthenticated,      // 401: no valid credentials
  kPermissionDenied,     // 403: valid credentials, not allowed
  kFailedPrecondition,   // 422: well-formed, but the state or a policy refuses it
  kTooLarge,             // 413: over a size or duration limit
  kResourceExhausted,    // 429: a rate, count or quota is used up (retry_after_s may say when)
  kInsufficientStorage,  // 507: the volume is full
  kUnsupportedMedia      // 415: the content is not of a type this accepts
};

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
  static Status AlreadyExists(std::string m) { return {ErrorKind::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {ErrorKind::kConflict, std::move(m)}; }
  static Status Unauthenticated(std::string m) {
    return {ErrorKind::kUnauthenticated, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {ErrorKind::kPermissionDenied, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {ErrorKind::kFailedPrecondition, std::move(m)};
  }
  static Status TooLarge(std::string m) { return {ErrorKind::kTooLarge, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {ErrorKind::kResourceExhausted, std::move(m)};
  }
  static Status InsufficientStorage(std::string m) {
    return {ErrorKind::kInsufficientStorage, std::move(m)};
  }
  static Status UnsupportedMedia(std::string m) {
    return {ErrorKind::kUnsupportedMedia, std::move(m)};
  }

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
  /// The failing system's own machine-readable code, when it gave one: a PostgreSQL SQLSTATE
  /// ("40001"), an SQLite result code ("SQLITE_BUSY"), a Redis error prefix ("NOGROUP"), an AWS
  /// error type ("ConflictException"). Code that depends on which error it was compares this,
  /// never the message, which is written for people and may change.
  const std::string& code() const { return code_; }
  Status WithCode(std::string code) && {
    code_ = std::move(code);
    return std::move(*this);
  }

 private:
  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
  std::string code_;
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
  // value() on an error is a programming error: it fails loudly instead of being undefined.
  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }
  T& operator*() { return Checked(); }

 private:
  T& Checked() {
    if (!value_) {
      std::fprintf(stderr, "minutes: Result::value() on an error: %s\n", status_.message().c_str());
      std::abort();
    }
    return *value_;
  }
  std::optional<T> value_;
  Status status_;
};

}  // namespace minutes
