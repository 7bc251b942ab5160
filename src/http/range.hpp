#pragma once
// HTTP Range requests (RFC 9110 §14): one "bytes=" range of a representation of known size. A
// pure function of the header's text, so the edge, its tests and its fuzz target share it.
#include <cstdint>
#include <string_view>

namespace minutes {

/// What a Range header asks of a representation of `size` bytes.
struct RangeRequest {
  enum class Kind {
    kWhole,          ///< no usable Range header (absent, malformed, several ranges): serve 200
    kPart,           ///< serve 206 with bytes [first, last]
    kUnsatisfiable,  ///< answer 416 with "Content-Range: bytes */size"
  };
  Kind kind = Kind::kWhole;
  int64_t first = 0, last = 0;  ///< inclusive; 0 <= first <= last < size when kind is kPart
};

/// Parses a single "bytes=a-b" / "bytes=a-" / "bytes=-n" range against `size` (>= 0). Only
/// digits are accepted for a and b (no signs, spaces or trailing text: such a header is ignored,
/// as RFC 9110 asks); numbers too large for int64 count as "beyond the end".
RangeRequest ParseRange(std::string_view header, int64_t size);

}  // namespace minutes
