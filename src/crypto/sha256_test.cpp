#include "crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/hex.hpp"

namespace minutes {
namespace {

// FIPS 180-4's examples (NIST CSRC "Examples with Intermediate Values", SHA-256) and the
// empty message.
struct Vector {
  std::string message;
  const char* sha256;
};

std::vector<Vector> NistVectors() {
  return {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",  // 448 bits
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
       "nopqrsmnopqrstnopqrstu",  // 896 bits
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
}

TEST(Sha256, OneShotMatchesTheNistVectors) {
  for (const auto& v : NistVectors()) {
    EXPECT_EQ(Sha256Hex(v.message), v.sha256) << v.message.substr(0, 20);
    EXPECT_EQ(HexEncode(Sha256Digest(v.message)), v.sha256);
    EXPECT_EQ(Sha256Digest(v.message).size(), Sha256::kDigestBytes);
  }
}

TEST(Sha256, StreamedInPiecesOfAnySizeGivesTheSameDigest) {
  for (const auto& v : NistVectors()) {
    for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, size_t{4096}}) {
      Sha256 sha;
      for (size_t at = 0; at < v.message.size(); at += piece)
        sha.Update(std::string_view(v.message).substr(at, piece));
      EXPECT_EQ(sha.FinishHex(), v.sha256) << v.message.substr(0, 20) << " in pieces of " << piece;
    }
  }
  Sha256 raw;
  raw.Update("ab", 2);
  raw.Update("c", 1);
  EXPECT_EQ(HexEncode(raw.Finish()), NistVectors()[1].sha256);
}

TEST(HexEncode, TwoLowerCaseDigitsPerByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\x7f\x80\xab\xff", 6)), "00017f80abff");
  const unsigned char bytes[] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(HexEncode(bytes, sizeof bytes), "deadbeef");
}

}  // namespace
}  // namespace minutes
