#include "pipeline/assemble.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

Word W(const char* w, double s, double e) { return {w, s, e, 0.9}; }

TEST(AssembleTranscript, SplitsAnUtteranceWhereTheSpeakerChanges) {
  std::vector<Utterance> utts{{16000, 16000 * 5}};
  std::vector<std::vector<Word>> words{
      {W("hello", 1.1, 1.5), W("there", 1.6, 2.0), W("hi", 3.1, 3.4), W("back", 3.5, 4.0)}};
  std::vector<SpeakerTurn> turns{{1.0, 2.5, 0}, {2.5, 5.0, 1}};
  Transcript t = AssembleTranscript(utts, words, turns, 10.0);
  ASSERT_EQ(t.segments.size(), 2u);
  EXPECT_EQ(t.segments[0].speaker, "S1");
  EXPECT_EQ(t.segments[0].text, "hello there");
  EXPECT_EQ(t.segments[1].speaker, "S2");
  EXPECT_EQ(t.segments[1].text, "hi back");
  EXPECT_EQ(t.segments[0].id, "seg-0001");
  EXPECT_LE(t.segments[0].end, t.segments[1].start);
  for (auto& s : t.segments)
    for (auto& w : s.words) {
      EXPECT_GE(w.start, s.start);
      EXPECT_LE(w.end, s.end);
    }
  EXPECT_DOUBLE_EQ(t.duration, 10.0);
}

TEST(AssembleTranscript, NumbersSpeakersByFirstAppearanceAndSumsTalkTime) {
  std::vector<Utterance> utts{{0, 32000}, {48000, 80000}, {96000, 128000}};
  std::vector<std::vector<Word>> words{{W("a", 0.2, 0.5)}, {}, {W("c", 6.2, 6.5)}};
  std::vector<SpeakerTurn> turns{{0, 2, 1}, {3, 5, 0}, {6, 8, 1}};
  Transcript t = AssembleTranscript(utts, words, turns, 8.0);
  ASSERT_EQ(t.segments.size(), 2u) << "utterances without words are dropped";
  EXPECT_EQ(t.segments[0].speaker, "S1");
  EXPECT_EQ(t.segments[1].speaker, "S1");
  ASSERT_EQ(t.speakers.size(), 1u);
  EXPECT_NEAR(t.speakers[0].talk_time, 4.0, 1e-9);
  EXPECT_EQ(t.segments[1].id, "seg-0002");
}

TEST(AssembleTranscript, WordsOutsideAnyTurnGoToTheNearestSpeaker) {
  std::vector<Utterance> utts{{0, 16000 * 4}};
  std::vector<std::vector<Word>> words{{W("x", 3.5, 3.9)}};
  std::vector<SpeakerTurn> turns{{0, 1, 0}, {2, 3, 1}};
  Transcript t = AssembleTranscript(utts, words, turns, 4.0);
  ASSERT_EQ(t.segments.size(), 1u);
  EXPECT_EQ(t.speakers.size(), 1u);
  EXPECT_LE(t.segments[0].start, 3.5);
  EXPECT_GE(t.segments[0].end, 3.9);
}

TEST(AssembleTranscript, EmptyInputGivesAnEmptyTranscript) {
  Transcript t = AssembleTranscript({}, {}, {}, 0);
  EXPECT_TRUE(t.segments.empty());
  EXPECT_TRUE(t.speakers.empty());
}

}  // namespace
}  // namespace minutes
