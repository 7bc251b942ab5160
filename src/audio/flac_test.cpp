// FLAC pieces for transcription providers: what is encoded decodes to the very same samples.
#include "audio/flac.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "audio/decoder.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

std::vector<int16_t> DecodeAll(const std::string& path, DecodeInfo* info) {
  std::vector<int16_t> out;
  Status s = DecodeAudio(
      path,
      [&](std::span<const int16_t> b) {
        out.insert(out.end(), b.begin(), b.end());
        return Status::Ok();
      },
      info);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

// A meeting's speech, then noise, full-scale extremes and an odd tail: every kind of subframe
// the encoder picks (LPC, fixed, verbatim, constant) and a last block shorter than the others.
std::vector<int16_t> Signal() {
  DecodeInfo info;
  std::vector<int16_t> s =
      DecodeAll((testing::TestData("standup") / "meeting.wav").string(), &info);
  s.resize(std::min<size_t>(s.size(), 16000 * 12));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> any(-32768, 32767);
  for (int i = 0; i < 16000; ++i) s.push_back(static_cast<int16_t>(any(rng)));
  for (int i = 0; i < 3001; ++i) s.push_back(i % 2 ? int16_t{32767} : int16_t{-32768});
  for (int i = 0; i < 777; ++i) s.push_back(0);
  return s;
}

TEST(Flac, WhatIsEncodedDecodesToTheSameSamples) {
  std::vector<int16_t> samples = Signal();
  auto flac = EncodeFlac(samples, 16000);
  ASSERT_TRUE(flac.ok()) << flac.status().message();
  ASSERT_EQ(flac->compare(0, 4, "fLaC"), 0);
  // STREAMINFO's 36-bit sample count (bytes 21..25 of the file) names every sample.
  uint64_t total = static_cast<uint8_t>((*flac)[21]) & 0x0F;
  for (int i = 22; i < 26; ++i) total = (total << 8) | static_cast<uint8_t>((*flac)[i]);
  EXPECT_EQ(total, samples.size());
  EXPECT_LT(flac->size(), samples.size() * 2) << "smaller than the PCM it holds";
  fs::path path =
      fs::temp_directory_path() / ("minutes-flac-" + std::to_string(getpid()) + ".flac");
  std::ofstream(path, std::ios::binary)
      .write(flac->data(), static_cast<std::streamsize>(flac->size()));
  DecodeInfo info;
  std::vector<int16_t> back = DecodeAll(path.string(), &info);
  fs::remove(path);
  EXPECT_EQ(info.codec, "flac");
  ASSERT_EQ(back.size(), samples.size());
  size_t differ = 0;
  for (size_t i = 0; i < samples.size(); ++i) differ += back[i] != samples[i];
  EXPECT_EQ(differ, 0u) << "FLAC is lossless";
}

TEST(Flac, SilenceAndNothingEncodeToo) {
  auto empty = EncodeFlac({}, 16000);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(empty->compare(0, 4, "fLaC"), 0);
  std::vector<int16_t> quiet(16000 * 60, 0);
  auto minute = EncodeFlac(quiet, 16000);
  ASSERT_TRUE(minute.ok());
  EXPECT_LT(minute->size(), 20000u) << "a minute of silence is next to nothing";
}

}  // namespace
}  // namespace minutes
