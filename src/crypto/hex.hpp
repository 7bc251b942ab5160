#pragma once
// Bytes as lower-case hexadecimal text: digests, MACs, random ids.
#include <cstddef>
#include <string>
#include <string_view>

namespace minutes {

/// Two lower-case hex digits per byte of `bytes` ("\x01\xab" -> "01ab").
std::string HexEncode(std::string_view bytes);

/// The same for `n` bytes at `data`.
std::string HexEncode(const unsigned char* data, size_t n);

}  // namespace minutes
