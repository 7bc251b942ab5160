#include "audio/vad.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "audio/decoder.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

std::vector<Utterance> SegmentFile(const std::string& path, SegmenterParams p = {}) {
  Segmenter seg(p);
  std::vector<Utterance> out;
  Status s = DecodeAudio(
      path,
      [&](std::span<const int16_t> b) {
        seg.Push(b, &out);
        return Status::Ok();
      },
      nullptr);
  EXPECT_TRUE(s.ok()) << s.message();
  seg.Finish(&out);
  return out;
}

TEST(Segmenter, SilenceGivesNoUtterances) {
  Segmenter seg;
  std::vector<int16_t> zeros(16000 * 5, 0);
  std::vector<Utterance> out;
  seg.Push(zeros, &out);
  seg.Finish(&out);
  EXPECT_TRUE(out.empty());
}

TEST(Segmenter, CoversEveryReferenceTurnAndCutsAtPauses) {
  auto dir = minutes::testing::TestData("standup");
  auto utts = SegmentFile(dir / "meeting.wav");
  auto ref = nlohmann::json::parse(std::ifstream(dir / "reference.json"));
  ASSERT_FALSE(utts.empty());
  for (size_t i = 1; i < utts.size(); ++i) EXPECT_LE(utts[i - 1].end, utts[i].start);
  // Each reference turn is mostly covered by speech, and no utterance spans two turns
  // separated by a pause (turn changes happen at pauses in the synthesized meeting).
  for (auto& r : ref["utterances"]) {
    double s = r["start"], e = r["end"], covered = 0;
    for (auto& u : utts)
      covered += std::max(0.0, std::min(e, u.end_s()) - std::max(s, u.start_s()));
    EXPECT_GT(covered / (e - s), 0.85) << r["text"];
  }
  auto& turns = ref["utterances"];
  for (auto& u : utts) {
    int touching = 0;
    for (auto& r : turns)
      if (std::min(u.end_s(), double(r["end"])) - std::max(u.start_s(), double(r["start"])) > 0.05)
        ++touching;
    EXPECT_LE(touching, 1) << u.start_s() << ".." << u.end_s();
  }
}

TEST(Segmenter, NeverExceedsMaxUtterance) {
  SegmenterParams p;
  p.max_utterance = 3.0;
  p.min_pause = 5.0;  // no pause is long enough: only the length cap cuts
  auto utts = SegmentFile(minutes::testing::TestData("standup/meeting.wav"), p);
  ASSERT_GT(utts.size(), 3u);
  for (auto& u : utts) EXPECT_LE(u.end_s() - u.start_s(), 3.0 + 1e-9);
}

TEST(Segmenter, BlockSizeDoesNotChangeTheResult) {
  std::vector<int16_t> all;
  Status s = DecodeAudio(
      minutes::testing::TestData("standup/meeting.wav"),
      [&](std::span<const int16_t> b) {
        all.insert(all.end(), b.begin(), b.end());
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(s.ok());
  auto run = [&](size_t block) {
    Segmenter seg;
    std::vector<Utterance> out;
    for (size_t i = 0; i < all.size(); i += block)
      seg.Push(std::span<const int16_t>(all).subspan(i, std::min(block, all.size() - i)), &out);
    seg.Finish(&out);
    return out;
  };
  auto a = run(160), b = run(7919);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].start, b[i].start);
}

}  // namespace
}  // namespace minutes
