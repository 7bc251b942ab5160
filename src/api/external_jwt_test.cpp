#include "api/external_jwt.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

// The public half of the test key that signed the jwt_fuzz seeds (tests/fuzz/jwt_fuzz).
const std::string kJwks =
    R"({"keys":[{"kty":"RSA","use":"sig","kid":"test","e":"AQAB","n":")"
    "tcp-WljjMjGTZERSqRlumvSndGL9zWGnGm7dXd0R_qnTPLfyC8G-"
    "rnTEcs6bbEpa3OmD94Zi6klxuvzZztH5XjAERl7VwLVlC3zRZ9fNr9D2T20-7tlmIA-"
    "XmGommaEpOpeJOLVbgWwKGw7ujEzOGfomVlgxnwUVqYSSk-9iIdLrE0D2HXjSsQnu3Kl-"
    "JcDxA8D8fopuzGwT41fNBRkNYAGHqa4rKc-jrhT2x6YZbikn38euPgUo6h-U-"
    "pHQmvOgn8v7La5AeZh7tspZrI7hdUQANhI9VXu9x7J19pwxgDJtAYpzrQLUIY838RINhpTVmrtL2NEou17UWiU0wBoBEw"
    R"("}]})";
// Signed with that key: sub ext-7, tenant acme, iss https://idp.example, aud minutes, exp 2033.
const std::string kToken =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRlc3QifQ."
    "eyJzdWIiOiJleHQtNyIsInRlbmFudCI6ImFjbWUiLCJyb2xlIjoibWVtYmVyIiwiaXNzIjoiaHR0cHM6Ly9pZHAuZXhhbX"
    "BsZSIsImF1ZCI6Im1pbnV0ZXMiLCJleHAiOjIwMDAwMDAwMDB9.SBkILwoocQuhzlSWpwHTjU6291lg-NF_"
    "3oVuzad55as90wA8fMChWe9jF0biGJj8meC-cl9Asp8sKIl4WZm-"
    "Hwww7utcHlr3YlxNZ9R4h5Fw0k4M9bxhVvp0ZOc6K9J6ltrOc-"
    "DPeM0jjuLjR6DieE0HtbjzpmVcdik7sT6VhyH85nMAR37eL_"
    "EtaayXqHmpYj59eRJXkvM5NDIftPSeFxCyYG4bugGcAAkIuvGURrqSaEL1gkPZ2gD6SLHC6P0xpUQCgsnnN5fT5jV3ua6C"
    "opwPFiljT0eB6Z9MRTDyjVmpoBsGEtCv5G5YMIn0wBLDY3oTNwppzRsG68zqgnND1Q";

AuthConfig Auth() {
  AuthConfig a;
  a.external_jwt_issuer = "https://idp.example";
  a.external_jwt_audience = "minutes";
  return a;
}

TEST(ExternalJwt, VerifiesATokenOfTheJwks) {
  auto v = ExternalJwtVerifier::FromJwks(kJwks, Auth());
  ASSERT_TRUE(v.ok()) << v.status().message();
  auto c = (*v)->Verify(kToken, 1790000000);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->subject, "ext-7");
  EXPECT_EQ(c->tenant, "acme");
  EXPECT_EQ((*v)->Verify(kToken, 2000000000).status().message(), "token expired");
  // The provider's own token, refused: a kind of its own, which the authenticator answers with
  // (kNotFound means "not the provider's token").
  EXPECT_EQ((*v)->Verify(kToken, 2000000000).status().kind(), ErrorKind::kUnauthenticated);
}

// A header that is not base64url made Poco's decoder throw out of Verify (jwt_fuzz found it as
// a leak: tests/fuzz/jwt_fuzz/regress-bad-base64-leak); a header whose alg or kid is not a string
// made nlohmann's value() throw (seen writing the target). Both were exceptions on the way to
// the HTTP edge; both are now "invalid token".
TEST(ExternalJwt, HeadersFromOutsideNeverThrow) {
  auto v = ExternalJwtVerifier::FromJwks(kJwks, Auth());
  ASSERT_TRUE(v.ok());
  for (std::string token :
       {"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCI.payload.sig",  // a header cut short
        "eyJhbG!!!.e30.AAAA",                               // '!' is not base64url
        "e.e30.AAAA",                                       // a length base64 cannot have
        "eyJhbGciOjI1Niwia2lkIjo3fQ.e30.AAAA",              // {"alg":256,"kid":7}
        "eyJhbGciOiJSUzI1NiIsImtpZCI6WzFdfQ.e30.AAAA",      // {"alg":"RS256","kid":[1]}
        "WzFd.e30.AAAA",                                    // [1]
        "", ".", "..", "no dots"}) {
    auto c = (*v)->Verify(token, 1790000000);
    EXPECT_FALSE(c.ok()) << token;
    EXPECT_EQ(c.status().kind(), ErrorKind::kNotFound) << token;
  }
}

// Keys that are not objects, or whose use/kid/n/e are not strings, threw from nlohmann's value()
// and get() instead of naming the bad key; a 17-bit modulus ("AQAB") was accepted.
TEST(ExternalJwt, BadJwksIsBadInputNamingTheKey) {
  for (std::string jwks :
       {R"({"keys":[7]})", R"({"keys":[{"kty":"RSA","use":1,"n":"AQAB","e":"AQAB"}]})",
        R"({"keys":[{"kty":"RSA","kid":5,"n":"AQAB","e":"AQAB"}]})",
        R"({"keys":[{"kty":"RSA","kid":"k","n":12,"e":"AQAB"}]})",
        R"({"keys":[{"kty":"RSA","kid":"k","n":"!!!!","e":"AQAB"}]})", R"({"keys":{}})", R"([])",
        "not json"}) {
    auto v = ExternalJwtVerifier::FromJwks(jwks, Auth());
    EXPECT_FALSE(v.ok()) << jwks;
    EXPECT_EQ(v.status().kind(), ErrorKind::kBadInput) << jwks;
  }
  auto named = ExternalJwtVerifier::FromJwks(
      R"({"keys":[{"kty":"RSA","kid":"k9","n":"!","e":"x"}]})", Auth());
  EXPECT_NE(named.status().message().find("key 'k9'"), std::string::npos)
      << named.status().message();
}

}  // namespace
}  // namespace minutes
