// libFuzzer target for token verification: the service's own HS256 tokens (JwtIssuer), outside
// RS256 tokens checked against a JWKS (ExternalJwtVerifier), and JWKS documents themselves.
// Input: one byte choosing the mode, then the token or document. Checked: nothing throws out of
// Verify/FromJwks, a token that verifies has the claims it must, and Issue -> Verify round-trips
// any claims. The RS256 key is a test key made for these seeds (tests/fuzz/jwt_fuzz); its
// private half signed the seeds and is not kept.
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined, OpenSSL's libcrypto).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/external_jwt.hpp"
#include "api/jwt.hpp"

namespace {

constexpr int64_t kNow = 1790000000;  // 2026-09-21; the seeds expire in 2033
const char* const kSecret = "fuzz-secret-fuzz-secret-fuzz-secret-32b";
const std::string kJwks =
    R"({"keys":[{"kty":"RSA","use":"sig","kid":"test","alg":"RS256","e":"AQAB","n":")"
    "tcp-WljjMjGTZERSqRlumvSndGL9zWGnGm7dXd0R_qnTPLfyC8G-"
    "rnTEcs6bbEpa3OmD94Zi6klxuvzZztH5XjAERl7VwLVlC3zRZ9fNr9D2T20-7tlmIA-"
    "XmGommaEpOpeJOLVbgWwKGw7ujEzOGfomVlgxnwUVqYSSk-9iIdLrE0D2HXjSsQnu3Kl-"
    "JcDxA8D8fopuzGwT41fNBRkNYAGHqa4rKc-jrhT2x6YZbikn38euPgUo6h-U-"
    "pHQmvOgn8v7La5AeZh7tspZrI7hdUQANhI9VXu9x7J19pwxgDJtAYpzrQLUIY838RINhpTVmrtL2NEou17UWiU0wBoBEw"
    R"("}]})";

[[noreturn]] void Fail(const char* what, const std::string& input) {
  std::fprintf(stderr, "jwt_fuzz: %s: %s\n", what, input.c_str());
  std::abort();
}

const minutes::JwtIssuer& Issuer() {
  static const minutes::JwtIssuer issuer = minutes::JwtIssuer::Make(kSecret, 3600).value();
  return issuer;
}

// Claims are valid UTF-8 (JSON text is; the ids and names the service issues are ASCII), so
// the round trip is asked of valid UTF-8 only.
bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      auto t = static_cast<unsigned char>(s[i + k]);
      if ((t >> 6) != 2) return false;
      cp = (cp << 6) | (t & 0x3f);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

minutes::AuthConfig Auth() {
  minutes::AuthConfig auth;
  auth.external_jwt_issuer = "https://idp.example";
  auth.external_jwt_audience = "minutes";
  return auth;
}

const minutes::ExternalJwtVerifier& External() {
  static const auto verifier = minutes::ExternalJwtVerifier::FromJwks(kJwks, Auth()).value();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {  // the service's own token
      auto c = Issuer().Verify(input, kNow);
      if (!c.ok() && c.status().kind() != minutes::ErrorKind::kUnauthenticated)
        Fail("own token refused with an unexpected kind", input);
      if (c.ok() && (c->user_id.empty() || c->expires_at <= kNow))
        Fail("own token verified without sub or unexpired exp", input);
      break;
    }
    case 1: {  // an identity provider's token
      auto c = External().Verify(input, kNow);
      if (!c.ok() && c.status().kind() != minutes::ErrorKind::kNotFound &&
          c.status().kind() != minutes::ErrorKind::kUnauthenticated)
        Fail("outside token refused with an unexpected kind", input);
      if (c.ok() && (c->subject.empty() || c->tenant.empty()))
        Fail("outside token verified without sub or tenant", input);
      break;
    }
    case 2: {  // a JWKS document
      auto v = minutes::ExternalJwtVerifier::FromJwks(input, Auth());
      if (!v.ok() && v.status().kind() != minutes::ErrorKind::kBadInput)
        Fail("JWKS refused with an unexpected kind", input);
      if (v.ok()) (void)(*v)->Verify("eyJhbGciOiJSUzI1NiJ9.e30.AAAA", kNow);
      break;
    }
    default: {  // Issue -> Verify keeps any claims
      minutes::TokenClaims in;
      std::string* fields[] = {&in.user_id, &in.tenant_id, &in.username, &in.role};
      size_t at = 0;
      for (std::string* f : fields) {
        size_t end = input.find('\0', at);
        *f = input.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? input.size() : end + 1;
      }
      if (in.user_id.empty()) break;  // a token without sub is refused by design
      if (!ValidUtf8(input)) break;
      in.generation = static_cast<int64_t>(size) * 7919 - 40000;
      auto out = Issuer().Verify(Issuer().Issue(in, kNow), kNow);
      if (!out.ok()) Fail("an issued token does not verify", out.status().message());
      if (out->user_id != in.user_id || out->tenant_id != in.tenant_id ||
          out->username != in.username || out->role != in.role ||
          out->generation != in.generation || out->expires_at != kNow + 3600)
        Fail("claims changed through Issue -> Verify", input);
    }
  }
  return 0;
}
