#pragma once
// A shared library opened with dlopen on first use, for dependencies that pull in many others
// (FFmpeg, libcurl, libpq): linked, they would be mapped and relocated in every process at start,
// including an API server that never uses them. The headers still type-check every call.
#include <string>

#include "core/status.hpp"

namespace minutes {

/// An opened library. Never closed: function pointers resolved from it live as long as the
/// process, so the handle does too.
class SharedLibrary {
 public:
  /// Opens `soname` (e.g. "libpq.so.5"); the error (kind Unavailable) names `what` and why.
  static Result<SharedLibrary> Open(const char* soname, const std::string& what);

  /// Resolves `symbol` into `*fn`, typed by the declaration the header gives it.
  template <typename Fn>
  Status Resolve(const char* symbol, Fn** fn) const {
    *fn = reinterpret_cast<Fn*>(Find(symbol));
    if (*fn) return Status::Ok();
    return Status(ErrorKind::kUnavailable, what_ + " (" + soname_ + ") has no function " + symbol);
  }

 private:
  SharedLibrary(void* handle, std::string soname, std::string what)
      : handle_(handle), soname_(std::move(soname)), what_(std::move(what)) {}
  void* Find(const char* symbol) const;

  void* handle_;
  std::string soname_, what_;
};

}  // namespace minutes
