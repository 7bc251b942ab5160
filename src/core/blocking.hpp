#pragma once
// Long waits inside a request — a password hash, a call to a language model or an identity
// provider, a DNS look-up — marked as such. The HTTP edge runs route handlers on about one thread
// per core; a handler that waited there for a second would hold one of those few threads, so
// the edge installs a runner that suspends the handler and does the wait on a thread of its own.
// Without a runner (the worker, `minutes lambda`, tests) RunBlocking simply calls `fn`.
#include <functional>

namespace minutes {

using BlockingRunner = void (*)(const std::function<void()>& fn);

/// Installs the process-wide runner (nullptr: call in place). Set once at start-up, before
/// requests are served.
void InstallBlockingRunner(BlockingRunner runner);

/// Runs `fn` and returns when it has; an exception from `fn` reaches the caller. `fn`, and the
/// caller after it, may run on another thread: request state kept per thread must be a
/// RequestLocal (core/request_local.hpp), which goes with the request; plain thread-locals and
/// locks held across the call do not.
void RunBlocking(const std::function<void()>& fn);

}  // namespace minutes
