#include "audio/decoder.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "testdata.hpp"

namespace minutes {
namespace {

using minutes::testing::TestData;

Result<DecodeInfo> Decode(const std::string& path, int64_t* peak_block = nullptr) {
  DecodeInfo info;
  Status s = DecodeAudio(
      path,
      [&](std::span<const int16_t> b) {
        if (peak_block) *peak_block = std::max<int64_t>(*peak_block, b.size());
        return Status::Ok();
      },
      &info);
  if (!s.ok()) return s;
  return info;
}

class EveryFormat : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryFormat, DecodesToTheSameDurationAsTheWav) {
  auto wav = Decode(TestData("formats/standup.wav"));
  ASSERT_TRUE(wav.ok()) << wav.status().message();
  int64_t peak = 0;
  auto got = Decode(TestData("formats/standup." + GetParam()), &peak);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_NEAR(got->seconds(), wav->seconds(), 0.020) << got->codec;
  EXPECT_LT(peak, 16000 * 2) << "blocks must be small: decoding is streamed";
  EXPECT_FALSE(got->codec.empty());
}

INSTANTIATE_TEST_SUITE_P(Formats, EveryFormat,
                         ::testing::Values("mp3", "m4a", "ogg", "opus", "flac", "webm", "mp4",
                                           "mkv"));

TEST(DecodeAudio, WavIsMonoSixteenKilohertz) {
  auto wav = Decode(TestData("standup/meeting.wav"));
  ASSERT_TRUE(wav.ok());
  EXPECT_EQ(wav->source_rate, 16000);
  EXPECT_EQ(wav->source_channels, 1);
  EXPECT_GT(wav->seconds(), 30);
}

void ExpectBad(const std::string& file, const std::string& reason) {
  std::string path = TestData("formats/" + file);
  auto got = Decode(path);
  ASSERT_FALSE(got.ok()) << file << " decoded " << got->seconds() << " s";
  EXPECT_EQ(got.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(got.status().message().find(path), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find(reason), std::string::npos) << got.status().message();
}

TEST(DecodeAudio, RejectsEmptyFile) { ExpectBad("empty.wav", "empty"); }
TEST(DecodeAudio, RejectsNonMedia) { ExpectBad("notmedia.txt.wav", "not a recognised"); }
TEST(DecodeAudio, RejectsVideoWithoutAudio) { ExpectBad("video-only.mp4", "no audio track"); }
TEST(DecodeAudio, RejectsTruncatedWav) { ExpectBad("truncated.wav", "truncated"); }
TEST(DecodeAudio, RejectsTruncatedM4a) {
  auto got = Decode(TestData("formats/truncated.m4a"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kBadInput);
}
TEST(DecodeAudio, RejectsCorruptMp3) { ExpectBad("corrupt.mp3", "corrupt"); }

TEST(DecodeAudio, MissingFileIsNotFound) {
  auto got = Decode("/nonexistent/x.wav");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kNotFound);
}

TEST(DecodeAudio, SinkErrorStopsDecoding) {
  int calls = 0;
  Status s = DecodeAudio(
      TestData("formats/standup.flac"),
      [&](std::span<const int16_t>) {
        ++calls;
        return Status::Io("disk full");
      },
      nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_EQ(calls, 1);
}

// Found by media_probe_fuzz: an MP3 whose frames change from stereo to mono midway went on
// through the resampler made for the first frame, which read a second plane that was not there
// (a null pointer in swr_convert). Now each change of format gets a resampler of its own.
TEST(DecodeAudio, KeepsDecodingWhenTheFormatChangesMidway) {
  auto got = Decode(std::string(MINUTES_SOURCE_DIR) +
                    "/tests/fuzz/media_probe_fuzz/regress-channels-change");
  if (got.ok())
    EXPECT_GT(got->samples, 0);
  else
    EXPECT_EQ(got.status().kind(), ErrorKind::kBadInput) << got.status().message();
}

}  // namespace
}  // namespace minutes
