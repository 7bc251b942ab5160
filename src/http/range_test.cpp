#include "http/range.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

using Kind = RangeRequest::Kind;

void ExpectPart(std::string_view h, int64_t size, int64_t first, int64_t last) {
  RangeRequest r = ParseRange(h, size);
  EXPECT_EQ(r.kind, Kind::kPart) << h;
  EXPECT_EQ(r.first, first) << h;
  EXPECT_EQ(r.last, last) << h;
}

TEST(Range, ServesTheThreeForms) {
  ExpectPart("bytes=0-99", 1000, 0, 99);
  ExpectPart("bytes=900-", 1000, 900, 999);
  ExpectPart("bytes=-100", 1000, 900, 999);
  ExpectPart("bytes=-5000", 1000, 0, 999);
  ExpectPart("bytes=10-5000", 1000, 10, 999);
  ExpectPart("Bytes=1-1", 1000, 1, 1);
}

TEST(Range, UnsatisfiableWhenNothingOfTheFileIsAsked) {
  EXPECT_EQ(ParseRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=-1", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRange("bytes=99999999999999999999999-", 1000).kind, Kind::kUnsatisfiable);
}

// The old parser (std::stoll, in the audio route) took "bytes=1-2junk", "bytes= 1-2" and
// "bytes=+1-2" as 1-2, and "bytes=5-3" as unsatisfiable. RFC 9110 says an invalid range header is
// ignored: the whole representation is served.
TEST(Range, IgnoresMalformedHeaders) {
  for (std::string_view h : {"", "bytes", "bytes=", "bytes=-", "bytes=1-2junk", "bytes= 1-2",
                             "bytes=+1-2", "bytes=1-+2", "bytes=-+3", "bytes=5-3", "bytes=0-1,4-5",
                             "items=0-1", "bytes=a-b", "bytes=1--2", "bytes=0x10-"})
    EXPECT_EQ(ParseRange(h, 1000).kind, Kind::kWhole) << h;
}

TEST(Range, HugeNumbersSaturateInsteadOfOverflowing) {
  ExpectPart("bytes=0-99999999999999999999999999", 1000, 0, 999);
  ExpectPart("bytes=-99999999999999999999999999", 1000, 0, 999);
  ExpectPart("bytes=9223372036854775806-", INT64_MAX, INT64_MAX - 1, INT64_MAX - 1);
}

}  // namespace
}  // namespace minutes
