// Pieces for per-request providers: packed up to the limit, cut only between utterances, pauses
// squeezed, and every time in a piece maps back to its moment in the recording.
#include "pipeline/pieces.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

constexpr int64_t S = kSampleRate;

Utterance U(double a, double b) {
  return {static_cast<int64_t>(a * S), static_cast<int64_t>(b * S)};
}

TEST(Pieces, ConsecutiveUtterancesShareAPieceWithTheirPausesSqueezed) {
  // 0-4, a 3 s pause, 7-10, a 0.2 s pause, 10.2-12.
  auto pieces = PackPieces({U(0, 4), U(7, 10), U(10.2, 12)}, 240, 0.5);
  ASSERT_EQ(pieces.size(), 1u);
  const Piece& p = pieces[0];
  ASSERT_EQ(p.spans.size(), 2u) << "the short pause is kept whole: one stretch";
  EXPECT_EQ(p.spans[0].start, 0);
  EXPECT_EQ(p.spans[0].end, 4 * S);
  EXPECT_EQ(p.spans[1].start, static_cast<int64_t>(6.5 * S)) << "0.5 s of the 3 s pause";
  EXPECT_EQ(p.spans[1].end, 12 * S);
  EXPECT_EQ(p.spans[1].at, 4 * S);
  EXPECT_EQ(p.samples(), static_cast<int64_t>(9.5 * S)) << "12 s of recording in 9.5 s";
  EXPECT_DOUBLE_EQ(p.ToRecording(1.0), 1.0);
  EXPECT_DOUBLE_EQ(p.ToRecording(4.25), 6.75) << "inside the squeezed pause";
  EXPECT_DOUBLE_EQ(p.ToRecording(5.0), 7.5);
  EXPECT_DOUBLE_EQ(p.ToRecording(8.0), 10.5) << "past the kept short pause";
  EXPECT_DOUBLE_EQ(p.ToRecording(30.0), 12.0) << "past the end stays at the end";
}

TEST(Pieces, APieceEndsBetweenUtterancesAtItsLimit) {
  std::vector<Utterance> utts;
  for (int i = 0; i < 40; ++i) utts.push_back(U(i * 10.0, i * 10.0 + 8));  // 8 s each, 2 s apart
  auto pieces = PackPieces(utts, 60, 0.5);
  // 8 s, then 8.5 s per further utterance: 7 utterances = 59 s fit, 8 do not.
  ASSERT_EQ(pieces.size(), 6u);
  size_t covered = 0;
  int64_t last = -1;
  for (const Piece& p : pieces) {
    EXPECT_LE(p.samples(), 60 * S);
    for (const PieceSpan& s : p.spans) {
      EXPECT_GT(s.start, last) << "in time order, each utterance once";
      last = s.end;
      covered += static_cast<size_t>(s.end - s.start);
    }
  }
  EXPECT_EQ(covered, static_cast<size_t>(40 * 8 * S + 34 * S / 2)) << "every utterance, 34 pauses";
  EXPECT_EQ(pieces[1].spans[0].start, 70 * S) << "a piece starts with speech, not a pause";
}

TEST(Pieces, AnUtteranceLongerThanAPieceIsCutAtTheLimit) {
  auto pieces = PackPieces({U(0, 2), U(5, 30), U(31, 32)}, 10, 0.5);
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[0].samples(), 2 * S);
  EXPECT_EQ(pieces[1].spans[0].start, 5 * S);
  EXPECT_EQ(pieces[1].samples(), 10 * S);
  EXPECT_EQ(pieces[2].spans[0].start, 15 * S);
  EXPECT_EQ(pieces[3].spans[0].start, 25 * S);
  EXPECT_EQ(pieces[3].samples(), static_cast<int64_t>(6.5 * S)) << "the rest, then the next";
  EXPECT_DOUBLE_EQ(pieces[3].ToRecording(6.25), 31.75);
}

TEST(Pieces, RunsAreConsecutiveAndAboutEquallyLong) {
  std::vector<Utterance> utts;
  for (int i = 0; i < 15; ++i) utts.push_back(U(i * 240.0, i * 240.0 + 239));
  auto pieces = PackPieces(utts, 240, 0.5);
  ASSERT_EQ(pieces.size(), 15u);
  auto runs = ContiguousRuns(pieces, 4);
  ASSERT_EQ(runs.size(), 4u);
  size_t next = 0;
  for (auto& run : runs) {
    EXPECT_GE(run.size(), 3u);
    EXPECT_LE(run.size(), 4u);
    for (size_t i : run) EXPECT_EQ(i, next++) << "consecutive, in order";
  }
  EXPECT_EQ(next, 15u);
  EXPECT_EQ(ContiguousRuns(pieces, 40).size(), 15u) << "never more runs than pieces";
  auto two = ContiguousRuns({pieces[0], pieces[1]}, 4);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1], std::vector<size_t>{1});
}

}  // namespace
}  // namespace minutes
