#pragma once
// SHA-256 (FIPS 180-4) over OpenSSL's EVP interface: incrementally, for bodies that stream by
// (objects, model files), or of a whole string at once.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace minutes {

/// A SHA-256 being computed. Not thread-safe: one thread at a time feeds it.
class Sha256 {
 public:
  /// Length of a digest in bytes.
  static constexpr size_t kDigestBytes = 32;

  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  /// Adds `n` bytes at `data`.
  void Update(const char* data, size_t n);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  /// The 32-byte digest of everything added; call once, last.
  std::string Finish();
  /// The digest as 64 lower-case hex digits; call once, last (instead of Finish).
  std::string FinishHex();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

/// The 32-byte SHA-256 digest of `data`.
std::string Sha256Digest(std::string_view data);

/// The lower-case hex SHA-256 of `data` (64 digits).
std::string Sha256Hex(std::string_view data);

}  // namespace minutes
