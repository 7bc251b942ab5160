#include "db/pq_api.hpp"

#include "core/shared_library.hpp"

namespace minutes {
namespace {

struct Loaded {
  PqApi api;
  Status status;
};

Loaded Load() {
  Loaded out;
  auto lib = SharedLibrary::Open("libpq.so.5", "libpq");
  if (!lib.ok()) {
    out.status = lib.status();
    return out;
  }
#define MINUTES_PQ_RESOLVE(fn) \
  if (out.status = lib->Resolve(#fn, &out.api.fn); !out.status.ok()) return out;
  MINUTES_PQ_FUNCTIONS(MINUTES_PQ_RESOLVE)
#undef MINUTES_PQ_RESOLVE
  return out;
}

const Loaded& Once() {
  static const Loaded* once = new Loaded(Load());  // lives as long as the process
  return *once;
}

}  // namespace

Result<const PqApi*> LoadPq() {
  if (!Once().status.ok()) return Once().status;
  return &Once().api;
}

const PqApi& Pq() { return Once().api; }

}  // namespace minutes
