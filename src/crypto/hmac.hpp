#pragma once
// HMAC-SHA256 (RFC 2104 over FIPS 180-4) through OpenSSL: the one copy that signs SigV4
// requests, webhook deliveries, upload part URLs and HS256 tokens.
#include <string>
#include <string_view>

namespace minutes {

/// The 32-byte HMAC-SHA256 of `data` under `key` (any length; longer than a block is hashed).
std::string HmacSha256(std::string_view key, std::string_view data);

/// The same as 64 lower-case hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace minutes
