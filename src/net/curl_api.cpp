#include "net/curl_api.hpp"

#include "core/shared_library.hpp"

namespace minutes {
namespace {

struct Loaded {
  CurlApi api;
  Status status;
};

Loaded Load() {
  Loaded out;
  auto lib = SharedLibrary::Open("libcurl.so.4", "libcurl");
  if (!lib.ok()) {
    out.status = lib.status();
    return out;
  }
#define MINUTES_CURL_RESOLVE(name) \
  if (out.status = lib->Resolve("curl_" #name, &out.api.name); !out.status.ok()) return out;
  MINUTES_CURL_FUNCTIONS(MINUTES_CURL_RESOLVE)
#undef MINUTES_CURL_RESOLVE
  // Before any other call and before the threads that make them: not thread-safe itself.
  if (out.api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    out.status = Status(ErrorKind::kUnavailable, "libcurl failed to initialise");
  return out;
}

const Loaded& Once() {
  static const Loaded* once = new Loaded(Load());  // lives as long as the process
  return *once;
}

}  // namespace

Result<const CurlApi*> LoadCurl() {
  if (!Once().status.ok()) return Once().status;
  return &Once().api;
}

const CurlApi& Curl() { return Once().api; }

}  // namespace minutes
