#pragma once
// Where an HTTP request's body comes from and where a reply's body goes when neither is a string
// in memory: pieces read from memory or a file range, pieces written to a stream. The one set of
// adapters for every caller of HttpClient (object storage, model downloads, providers).
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace minutes {

/// A request body read piece by piece while it is sent, never copied whole.
struct HttpBodySource {
  /// Bytes the body has; -1 when unknown (then it goes chunked).
  int64_t size = -1;
  /// Fills up to `max` bytes into `buf`; 0 is the end. An error aborts the transfer and is what
  /// HttpClient::Send returns. Called on the thread that runs the transfer.
  std::function<Result<size_t>(char* buf, size_t max)> read;
  /// Back to the first byte, for libcurl to send the body again on a fresh connection when a
  /// kept-alive one turned out closed; false (or unset) when it cannot.
  std::function<bool()> rewind;
};

/// Receives a 2xx reply's body piece by piece as it arrives; an error aborts the transfer and is
/// what HttpClient::Send returns.
using HttpBodySink = std::function<Status(std::string_view piece)>;

/// `body` as a source, without copying it: the memory must outlive the transfer.
HttpBodySource BodyFromMemory(std::string_view body);

/// `length` bytes of the file at `path` from `offset` (-1: to its end), read as they are sent.
/// NotFound / Io when the file cannot be opened; BadInput when the range is not inside it.
Result<HttpBodySource> BodyFromFile(const std::string& path, int64_t offset = 0,
                                    int64_t length = -1);

/// A sink writing to `out` (not owned; must outlive the transfer); a failed write is Io with
/// `what_failed` as the message.
HttpBodySink SinkTo(std::ostream& out, std::string what_failed = "writing the reply body failed");

}  // namespace minutes
