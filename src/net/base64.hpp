#pragma once
// Base64 (RFC 4648 §4) and base64url (§5, as JWS uses it) with OpenSSL's EVP block coder.
// Pure functions; thread-safe.
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace minutes {

/// Standard base64 with '=' padding and no line breaks.
std::string Base64Encode(std::string_view data);

/// Standard base64 (padding required, ASCII whitespace ignored); BadInput for anything else.
Result<std::string> Base64Decode(std::string_view text);

/// base64url without padding (RFC 7515 §2 "Base64url Encoding").
std::string Base64UrlEncode(std::string_view data);

/// base64url with or without '=' padding; BadInput for '+', '/' or any other non-alphabet
/// character, or an impossible length.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace minutes
