#include "audio/sniff.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testdata.hpp"

namespace minutes {
namespace {

std::string Head(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string s(kSniffBytes, '\0');
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<size_t>(in.gcount()));
  return s;
}

TEST(Sniff, RecognisesEveryFormatFfmpegWroteForTheTests) {
  auto dir = testing::TestData("formats");
  int seen = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind("standup.", 0) != 0) continue;  // the good encodings; broken ones differ
    auto f = SniffMediaFormat(Head(e.path()));
    EXPECT_TRUE(f.ok()) << name << ": " << f.status().message();
    ++seen;
  }
  EXPECT_GE(seen, 5);
  auto wav = SniffMediaFormat(Head(testing::TestData("standup") / "meeting.wav"));
  ASSERT_TRUE(wav.ok());
  EXPECT_EQ(*wav, "wav");
}

TEST(Sniff, RefusesTextImagesAndSubtitles) {
  using namespace std::string_literals;  // ""s keeps the embedded zero bytes
  for (std::string body : {"hello, this is not audio\n"s, "{\"json\": true}"s,
                           "1\n00:00:01,000 --> 00:00:02,000\nhello\n\n"s,
                           "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0"s,
                           "PK\x03\x04 a zip archive"s}) {
    auto f = SniffMediaFormat(body);
    ASSERT_FALSE(f.ok()) << body;
    EXPECT_EQ(f.status().kind(), ErrorKind::kUnsupportedMedia);  // 415
    EXPECT_NE(f.status().message().find("not an audio or video file"), std::string::npos);
  }
  // Nothing at all is a bad request (400), not a wrong type.
  auto empty = SniffMediaFormat("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().kind(), ErrorKind::kBadInput);
}

}  // namespace
}  // namespace minutes
