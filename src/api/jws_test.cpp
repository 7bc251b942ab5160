// JWS signing and verification against RFC 7515's own examples (appendix A.1, HS256; A.2, RS256
// with the key as a JWK), and the refusals the token checks rely on.
#include "api/jws.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "net/base64.hpp"
#include "run_command.hpp"

namespace minutes {
namespace {

using nlohmann::json;

// RFC 7515 A.1: the HMAC key (a JWK "k") and the token, whose header and payload hold CRLFs.
const char kA1Key[] =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
const char kA1Token[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

// RFC 7515 A.2: the RSA public key (n, e) and the RS256 token over the same payload.
const char kA2N[] =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4"
    "QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdb"
    "BYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-D"
    "WNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const char kA2Token[] =
    "eyJhbGciOiJSUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujG"
    "bds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
    "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6"
    "LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

JwsKey A1Key() { return JwsKey::Hs256(*Base64UrlDecode(kA1Key)); }

// Flips one character of the part `part` (0 header, 1 payload, 2 signature).
std::string Tampered(std::string token, int part) {
  size_t at = 0;
  for (int i = 0; i < part; ++i) at = token.find('.', at) + 1;
  token[at + 2] = token[at + 2] == 'A' ? 'B' : 'A';
  return token;
}

TEST(Jws, VerifiesRfc7515A1Hs256) {
  auto t = A1Key().Verify(kA1Token);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->header["typ"], "JWT");
  EXPECT_EQ(t->payload["iss"], "joe");
  EXPECT_EQ(t->payload["exp"], 1300819380);
  EXPECT_EQ(t->payload["http://example.com/is_root"], true);
}

TEST(Jws, RefusesA1ChangedOrUnderAnotherKey) {
  for (int part : {0, 1, 2}) EXPECT_FALSE(A1Key().Verify(Tampered(kA1Token, part)).ok()) << part;
  std::string key = *Base64UrlDecode(kA1Key);
  key[0] ^= 1;
  EXPECT_FALSE(JwsKey::Hs256(key).Verify(kA1Token).ok());
  std::string token = kA1Token;
  EXPECT_FALSE(A1Key().Verify(token.substr(0, token.rfind('.') + 1)).ok()) << "no signature";
  EXPECT_FALSE(A1Key().Verify(token + "A").ok()) << "a longer signature";
  EXPECT_FALSE(A1Key().Verify(token + ".x").ok()) << "four parts";
}

TEST(Jws, VerifiesRfc7515A2Rs256WithTheKeyAsAJwk) {
  auto key = JwsKey::Rs256FromJwk({{"kty", "RSA"}, {"n", kA2N}, {"e", "AQAB"}});
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_STREQ(key->alg(), "RS256");
  auto t = key->Verify(kA2Token);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->payload["iss"], "joe");
  for (int part : {0, 1, 2}) EXPECT_FALSE(key->Verify(Tampered(kA2Token, part)).ok()) << part;
  // The A.1 (HS256) token is refused by an RS256 key, and the A.2 token by an HS256 key.
  EXPECT_FALSE(key->Verify(kA1Token).ok());
  EXPECT_FALSE(A1Key().Verify(kA2Token).ok());
}

TEST(Jws, RefusesBadJwks) {
  EXPECT_FALSE(JwsKey::Rs256FromJwk({{"kty", "oct"}, {"k", kA1Key}}).ok());
  EXPECT_FALSE(JwsKey::Rs256FromJwk({{"kty", "RSA"}, {"n", kA2N}}).ok());
  EXPECT_FALSE(JwsKey::Rs256FromJwk({{"kty", "RSA"}, {"n", "not base64!"}, {"e", "AQAB"}}).ok());
  EXPECT_FALSE(JwsKey::Rs256FromJwk({{"kty", "RSA"}, {"n", 5}, {"e", "AQAB"}}).ok());
}

TEST(Jws, SignsWhatItVerifies) {
  auto key = JwsKey::Hs256(std::string(40, 's'));
  auto token = key.Sign({{"sub", "u1"}, {"exp", 4600}, {"name", "Zoë"}});
  ASSERT_TRUE(token.ok());
  auto header = PeekJwsHeader(*token);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header, (json{{"alg", "HS256"}, {"typ", "JWT"}}));
  auto t = key.Verify(*token);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->payload["exp"], 4600);
  EXPECT_TRUE(t->payload["exp"].is_number_integer()) << "whole seconds";
  EXPECT_EQ(t->payload["name"], "Zoë");
}

TEST(Jws, RefusesNoneAndMalformedTokens) {
  auto key = JwsKey::Hs256(std::string(40, 's'));
  std::string payload = Base64UrlEncode(R"({"sub":"u1","exp":9999999999})");
  for (const std::string& header :
       {std::string(R"({"alg":"none"})"), std::string(R"({"alg":"hs256"})"),
        std::string(R"({"typ":"JWT"})"), std::string("[1]")})
    EXPECT_FALSE(key.Verify(Base64UrlEncode(header) + "." + payload + ".").ok()) << header;
  for (const char* bad : {"", "garbage", "a.b", "a.b.c", "..", "e30.e30.", "e30.e30.e30.e30"})
    EXPECT_FALSE(key.Verify(bad).ok()) << bad;
  EXPECT_FALSE(PeekJwsHeader("garbage").ok());
  EXPECT_FALSE(PeekJwsHeader("bm90IGpzb24.e30.").ok()) << "a header that is not JSON";
}

// Two RSA key pairs made once for the suite with the openssl command.
class JwsPemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("jws-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* name : {"a", "b"}) {
      std::string priv = Path(name, ".pem"), pub = Path(name, ".pub");
      auto r = testing::RunCommand(
          "openssl genpkey -quiet -algorithm RSA -pkeyopt "
          "rsa_keygen_bits:2048 -out " +
          priv + " 2>&1 && openssl pkey -in " + priv + " -pubout -out " + pub);
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string Path(const std::string& name, const std::string& ext) {
    return (dir_ / (name + ext)).string();
  }
  static inline std::filesystem::path dir_;
};

TEST_F(JwsPemTest, SignsAndVerifiesRs256WithPemFiles) {
  auto pair = JwsKey::Rs256FromPemFiles(Path("a", ".pem"), Path("a", ".pub"));
  ASSERT_TRUE(pair.ok()) << pair.status().message();
  auto token = pair->Sign({{"sub", "u1"}});
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_EQ(PeekJwsHeader(*token)->value("alg", ""), "RS256");
  EXPECT_TRUE(pair->Verify(*token).ok());
  auto pub = JwsKey::Rs256FromPublicPemFile(Path("a", ".pub"));
  ASSERT_TRUE(pub.ok()) << pub.status().message();
  EXPECT_TRUE(pub->Verify(*token).ok());
  EXPECT_FALSE(pub->Sign({{"sub", "u1"}}).ok()) << "a public key cannot sign";
  auto other = JwsKey::Rs256FromPublicPemFile(Path("b", ".pub"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->Verify(*token).ok());
}

TEST_F(JwsPemTest, RefusesAnHs256TokenKeyedWithThePublicKey) {
  // The algorithm-swap attack: the public key's PEM text used as an HMAC secret.
  std::ifstream in(Path("a", ".pub"));
  std::string pem((std::istreambuf_iterator<char>(in)), {});
  auto forged = JwsKey::Hs256(pem).Sign({{"sub", "mallory"}});
  ASSERT_TRUE(forged.ok());
  auto pub = JwsKey::Rs256FromPublicPemFile(Path("a", ".pub"));
  ASSERT_TRUE(pub.ok());
  EXPECT_FALSE(pub->Verify(*forged).ok());
}

TEST_F(JwsPemTest, RefusesMismatchedMissingAndWrongKeyFiles) {
  auto mismatched = JwsKey::Rs256FromPemFiles(Path("a", ".pem"), Path("b", ".pub"));
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.status().kind(), ErrorKind::kBadInput);
  EXPECT_FALSE(JwsKey::Rs256FromPemFiles(Path("a", ".pub"), Path("a", ".pub")).ok());
  EXPECT_FALSE(JwsKey::Rs256FromPublicPemFile(Path("none", ".pub")).ok());
  std::ofstream(Path("junk", ".pub")) << "-----BEGIN PUBLIC KEY-----\nnot a key\n";
  EXPECT_FALSE(JwsKey::Rs256FromPublicPemFile(Path("junk", ".pub")).ok());
  // A PKCS#1 ("BEGIN RSA PUBLIC KEY") file is read too.
  auto r = testing::RunCommand("openssl rsa -in " + Path("a", ".pem") + " -RSAPublicKey_out -out " +
                               Path("rsa", ".pub"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(JwsKey::Rs256FromPublicPemFile(Path("rsa", ".pub")).ok());
}

}  // namespace
}  // namespace minutes
