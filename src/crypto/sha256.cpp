#include "crypto/sha256.hpp"

#include <openssl/evp.h>

#include <new>

#include "crypto/hex.hpp"

namespace minutes {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  // Only allocation can fail here, and SHA-256 is in every OpenSSL provider.
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

Sha256::~Sha256() = default;

void Sha256::Update(const char* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }

std::string Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), digest, &len);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Sha256::FinishHex() { return HexEncode(Finish()); }

std::string Sha256Digest(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256Digest(data)); }

}  // namespace minutes
