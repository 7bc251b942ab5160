#pragma once
// Where a route handler's long waits go (core/blocking.hpp): the handler's fiber is suspended,
// which frees its handler thread, while the wait runs on a thread of its own; the fiber is
// resumed when it is over. The threads are started when needed (at most kMaxBlockingThreads;
// more calls queue) and end after a while without work, so a server that hashes no password
// and calls no provider has none.
#include <cstddef>
#include <cstdint>
#include <functional>

namespace minutes {

inline constexpr int kMaxBlockingThreads = 64;

/// The runner HttpServer installs (InstallBlockingRunner): inside a handler fiber, runs `fn`
/// on a blocking-call thread while the fiber is suspended; elsewhere runs it in place.
void RunOffHandlerThreads(const std::function<void()>& fn);

/// Blocking-call threads alive now.
size_t BlockingThreadsAlive();
/// Waits handed to those threads since the process started.
uint64_t BlockingCallsSoFar();

}  // namespace minutes
