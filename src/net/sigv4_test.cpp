// The signer against the worked examples in the Amazon S3 API reference ("Signature Calculations
// for the Authorization Header" and "Query String Authentication"): access key
// AKIAIOSFODNN7EXAMPLE, bucket examplebucket, us-east-1, 20130524T000000Z.
#include "net/sigv4.hpp"

#include <gtest/gtest.h>

#include "crypto/sha256.hpp"

namespace minutes {
namespace {

const AwsCredentials kCreds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const SigV4Scope kScope{"us-east-1", "s3", "20130524T000000Z"};
const std::string kHost = "examplebucket.s3.amazonaws.com";
const std::string kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Authorization(const SignedRequest& s) {
  for (auto& [k, v] : s.headers)
    if (k == "Authorization") return v;
  return "";
}

TEST(SigV4, GetObjectWithRange) {
  SigV4Request r{"GET", kHost, "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmpty};
  auto s = SignV4(r, kCreds, kScope);
  EXPECT_EQ(s.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" +
                kEmpty +
                "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" +
                kEmpty);
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(Authorization(s),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PutObjectWithAnEncodedKeyAndBody) {
  std::string body_hash = Sha256Hex("Welcome to Amazon S3.");
  EXPECT_EQ(body_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Request r{
      "PUT",
      kHost,
      "/test$file.text",
      {},
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      body_hash};
  auto s = SignV4(r, kCreds, kScope);
  EXPECT_EQ(s.canonical_request.substr(0, 23), "PUT\n/test%24file.text\n\n");
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, GetBucketLifecycleWithAValuelessParameter) {
  SigV4Request r{"GET", kHost, "/", {{"lifecycle", ""}}, {}, kEmpty};
  auto s = SignV4(r, kCreds, kScope);
  EXPECT_EQ(s.canonical_request.substr(0, 17), "GET\n/\nlifecycle=\n");
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, ListObjectsSortsTheQuery) {
  SigV4Request r{"GET", kHost, "/", {{"prefix", "J"}, {"max-keys", "2"}}, {}, kEmpty};
  auto s = SignV4(r, kCreds, kScope);
  EXPECT_EQ(s.canonical_request.substr(0, 26), "GET\n/\nmax-keys=2&prefix=J\n");
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, PresignedGetUrl) {
  SigV4Request r{"GET", kHost, "/test.txt", {}, {}, ""};
  std::string url = PresignV4("https", r, kCreds, kScope, 86400);
  EXPECT_EQ(url,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4, SessionTokensAreSigned) {
  AwsCredentials temp = kCreds;
  temp.session_token = "token/with+chars";
  SigV4Request r{"GET", kHost, "/test.txt", {}, {}, kEmpty};
  auto s = SignV4(r, temp, kScope);
  EXPECT_NE(s.canonical_request.find("x-amz-security-token:token/with+chars\n"), std::string::npos);
  EXPECT_NE(Authorization(s).find("x-amz-security-token"), std::string::npos);
  EXPECT_NE(s.signature, SignV4(r, kCreds, kScope).signature);
  EXPECT_NE(
      PresignV4("https", r, temp, kScope, 60).find("X-Amz-Security-Token=token%2Fwith%2Bchars"),
      std::string::npos);
}

TEST(SigV4, EncodingFollowsRfc3986) {
  EXPECT_EQ(UriEncode("a b+c/d~e", false), "a%20b%2Bc/d~e");
  EXPECT_EQ(UriEncode("a/b", true), "a%2Fb");
  EXPECT_EQ(UriEncode("\xE4\xBC\x9A", true), "%E4%BC%9A");  // 会
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", "x y"}, {"uploads", ""}}), "a=x%20y&b=2&uploads=");
  EXPECT_EQ(AmzDate(std::chrono::system_clock::from_time_t(1369353600)), "20130524T000000Z");
}

}  // namespace
}  // namespace minutes
