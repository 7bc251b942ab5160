#include "audio/probe.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace minutes {
namespace {

namespace fs = std::filesystem;

// Silent recordings made with the ffmpeg CLI (a few KB each: silence compresses to nothing).
class ProbeDurationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("minutes-probe-" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    auto make = [](const std::string& args, const std::string& name) {
      std::string cmd =
          "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "
          "anullsrc=r=16000:cl=mono " +
          args + " " + (*dir_ / name).string();
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    };
    make("-t 60 -c:a libopus -b:a 6k", "minute.opus");
    make("-t 600 -c:a aac -b:a 8k -f adts", "ten-minutes.aac");
    make("-t 90 -c:a pcm_s16le", "ninety.wav");
    // The same Ogg stream ten times over: its last page says 60 s, its audio lasts 600 s (the
    // finding: a small file that holds a worker far longer than it claims).
    std::ofstream looped(*dir_ / "looped.opus", std::ios::binary);
    for (int i = 0; i < 10; ++i) {
      std::ifstream one(*dir_ / "minute.opus", std::ios::binary);
      looped << one.rdbuf();
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static Result<DurationProbe> Probe(const std::string& name, double limit_s) {
    auto source = FileMediaSource((*dir_ / name).string());
    if (!source.ok()) return source.status();
    return ProbeDuration(*source, limit_s);
  }
  static fs::path* dir_;
};
fs::path* ProbeDurationTest::dir_ = nullptr;

TEST_F(ProbeDurationTest, AnHonestFileIsMeasuredFromItsPacketsWithoutDecoding) {
  auto p = Probe("minute.opus", 14400);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_NEAR(p->seconds(), 60, 0.5);
  EXPECT_NEAR(p->declared_s, 60, 0.5);
  EXPECT_FALSE(p->over_limit);
  EXPECT_FALSE(p->decoded);
  auto wav = Probe("ninety.wav", 0);
  ASSERT_TRUE(wav.ok()) << wav.status().message();
  EXPECT_NEAR(wav->seconds(), 90, 0.1);
  EXPECT_FALSE(wav->over_limit);
}

TEST_F(ProbeDurationTest, JustUnderAndOverTheLimit) {
  auto under = Probe("ninety.wav", 91);
  ASSERT_TRUE(under.ok());
  EXPECT_FALSE(under->over_limit);
  auto over = Probe("ninety.wav", 89);
  ASSERT_TRUE(over.ok());
  EXPECT_TRUE(over->over_limit);
  EXPECT_NEAR(over->seconds(), 90, 0.1);
}

TEST_F(ProbeDurationTest, ALoopedFileIsCountedNotBelieved) {
  auto over = Probe("looped.opus", 300);
  ASSERT_TRUE(over.ok()) << over.status().message();
  EXPECT_NEAR(over->declared_s, 60, 0.5) << "the header's claim";
  EXPECT_TRUE(over->over_limit);
  EXPECT_GT(over->counted_s, 300);
  EXPECT_LT(over->counted_s, 302) << "counting stops once past the limit";
  // Without a limit the sum (which disagrees with the header) is checked by decoding.
  auto whole = Probe("looped.opus", 0);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  EXPECT_TRUE(whole->decoded);
  EXPECT_NEAR(whole->seconds(), 600, 3);
  EXPECT_FALSE(whole->over_limit);
}

TEST_F(ProbeDurationTest, ARawStreamWithOnlyABitrateGuessIsCounted) {
  auto p = Probe("ten-minutes.aac", 0);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->declared_s, 0) << "a bitrate guess is no declaration";
  EXPECT_NEAR(p->seconds(), 600, 1);
  auto over = Probe("ten-minutes.aac", 599);
  ASSERT_TRUE(over.ok());
  EXPECT_TRUE(over->over_limit);
}

TEST_F(ProbeDurationTest, WhatIsNotAudioIsBadInput) {
  std::ofstream(*dir_ / "notes.txt") << "minutes of the meeting, not a recording\n";
  auto p = Probe("notes.txt", 100);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kBadInput);
}

}  // namespace
}  // namespace minutes
