// Base64 and base64url against RFC 4648 §10's test vectors.
#include "net/base64.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},
                                                          {"f", "Zg=="},
                                                          {"fo", "Zm8="},
                                                          {"foo", "Zm9v"},
                                                          {"foob", "Zm9vYg=="},
                                                          {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (auto [plain, coded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), coded);
    auto back = Base64Decode(coded);
    ASSERT_TRUE(back.ok()) << coded;
    EXPECT_EQ(*back, plain);
  }
}

TEST(Base64, BinaryAndLineBreaks) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  std::string coded = Base64Encode(bytes);
  EXPECT_EQ(coded.find('\n'), std::string::npos);
  EXPECT_EQ(*Base64Decode(coded), bytes);
  EXPECT_EQ(*Base64Decode("Zm9v\r\nYmFy\n"), "foobar");
}

TEST(Base64, RefusesMalformedInput) {
  for (const char* bad : {"Zg=", "Zm9", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm=v"})
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
}

TEST(Base64Url, EncodesWithoutPaddingAndDecodesEither) {
  std::string bytes = "\xfb\xff\xbf";
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), bytes);
  EXPECT_EQ(*Base64UrlDecode("Zg"), "f");
  EXPECT_EQ(*Base64UrlDecode("Zg=="), "f");
  for (const char* bad : {"+/+/", "Z", "Zm9v.", "Zm 9v"})
    EXPECT_FALSE(Base64UrlDecode(bad).ok()) << bad;
}

TEST(Base64, DecodeBase64BothAlphabetsAndRefusesTheRest) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(DecodeBase64("-_8"), "\xfb\xff");
  EXPECT_EQ(DecodeBase64("+/8="), "\xfb\xff");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_EQ(DecodeBase64("a"), std::nullopt);
  EXPECT_EQ(DecodeBase64("aGV!bG8="), std::nullopt);
  EXPECT_EQ(DecodeBase64("aG=Vs"), std::nullopt);
}

}  // namespace
}  // namespace minutes
