// libFuzzer target for ParseRange. Input: 8 bytes of representation size (little-endian, made
// non-negative), then the Range header. Checked: a part lies inside the representation, and
// printing a part back as "bytes=first-last" parses to the same part (the round trip).
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "http/range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t raw;
  std::memcpy(&raw, data, 8);
  // Mostly small sizes (where the edges are), sometimes any size up to INT64_MAX.
  int64_t length = static_cast<int64_t>(raw & 0x7fffffffffffffffULL);
  if ((raw >> 63) == 0) length %= 4096;
  std::string_view header(reinterpret_cast<const char*>(data + 8), size - 8);
  minutes::RangeRequest r = minutes::ParseRange(header, length);
  if (r.kind != minutes::RangeRequest::Kind::kPart) return 0;
  if (r.first < 0 || r.first > r.last || r.last >= length) std::abort();
  std::string again = "bytes=" + std::to_string(r.first) + "-" + std::to_string(r.last);
  minutes::RangeRequest r2 = minutes::ParseRange(again, length);
  if (r2.kind != r.kind || r2.first != r.first || r2.last != r.last) std::abort();
  return 0;
}
