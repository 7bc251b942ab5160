#pragma once
// Base64 (RFC 4648 §4) and base64url (§5, as JWS uses it) with OpenSSL's EVP block coder.
// Pure functions; thread-safe.
#include <optional>
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

/// The bytes of base64 text in the standard or the URL-safe alphabet, padding optional;
/// nullopt when it is not base64 (a character outside both alphabets, or an impossible length).
/// For text from outside whose alphabet is not known (API Gateway bodies, JWK members). Never
/// throws (the stream decoder used before threw mid-stream on a bad character).
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace minutes
