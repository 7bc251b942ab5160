#pragma once
// Incremental SHA-256 over OpenSSL's EVP interface, for hashing objects as they stream by.
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace minutes {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void Update(const char* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  /// Lower-case hex of the digest; call once.
  std::string FinishHex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) hex += {kHex[digest[i] >> 4], kHex[digest[i] & 0xf]};
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace minutes
