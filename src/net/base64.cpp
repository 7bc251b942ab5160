#include "net/base64.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <utility>

namespace minutes {
namespace {

// Decodes padded standard base64 whose length is a multiple of 4 (EVP_DecodeBlock counts the
// padding as zero bytes: they are taken off here).
Result<std::string> DecodePadded(const std::string& text) {
  if (text.size() % 4 != 0) return Status::BadInput("base64 of an impossible length");
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Status::BadInput("malformed base64");
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  // '=' is only padding: EVP_DecodeBlock would read one inside the text as a zero.
  if (text.find('=') < text.size() - pad) return Status::BadInput("malformed base64");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// Unpadded base64url (or, when `standard_too`, a mix of both alphabets) as padded standard
// base64; BadInput for a character outside the alphabet(s), a '=' that is not trailing padding,
// or an impossible length.
Result<std::string> ToStandardAlphabet(std::string_view text, bool standard_too,
                                       const std::string& name) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string padded;
  padded.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '-')
      padded += '+';
    else if (c == '_')
      padded += '/';
    else if (std::isalnum(static_cast<unsigned char>(c)) ||
             (standard_too && (c == '+' || c == '/')))
      padded += c;
    else
      return Status::BadInput("malformed " + name);
  }
  if (padded.size() % 4 == 1) return Status::BadInput(name + " of an impossible length");
  while (padded.size() % 4) padded += '=';
  return padded;
}

}  // namespace

std::string Base64Encode(std::string_view data) {
  std::string out((data.size() + 2) / 3 * 4, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  return DecodePadded(compact);
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out = Base64Encode(data);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  auto standard = ToStandardAlphabet(text, false, "base64url");
  if (!standard.ok()) return standard.status();
  return DecodePadded(*standard);
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  auto standard = ToStandardAlphabet(text, true, "base64");
  if (!standard.ok()) return std::nullopt;
  auto out = DecodePadded(*standard);
  if (!out.ok()) return std::nullopt;
  return std::move(*out);
}

}  // namespace minutes
