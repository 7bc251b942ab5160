#include "scoring/der.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace minutes::scoring {
namespace {

// Reference A[0,10] B[12,20] A[18,22] (A and B overlap in [18,20]); hypothesis x[0.5,11.5]
// y[11.5,24.5]. Expected numbers worked out by hand and confirmed with md-eval 22.
// A fresh file path in a private temporary directory.
std::filesystem::path TempPath(const std::string& name) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "der_test.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) abort();
  return std::filesystem::path(tmpl) / name;
}

const std::vector<Turn> kRef = {{"A", 0, 10}, {"B", 12, 20}, {"A", 18, 22}};
const std::vector<Turn> kHyp = {{"x", 0.5, 11.5}, {"y", 11.5, 24.5}};

TEST(ComputeDer, PerfectHypothesisWithOtherLabelsIsZero) {
  std::vector<Turn> hyp = {{"S2", 0, 10}, {"S1", 12, 20}, {"S2", 18, 22}};
  auto r = ComputeDer(kRef, hyp, 0.0);
  EXPECT_DOUBLE_EQ(r.der, 0.0);
  EXPECT_DOUBLE_EQ(r.total, 22.0);  // overlap counts once per speaker
  EXPECT_EQ(r.mapping.at("A"), "S2");
  EXPECT_EQ(r.mapping.at("B"), "S1");
}

TEST(ComputeDer, HandWorkedExampleWithoutCollar) {
  auto r = ComputeDer(kRef, kHyp, 0.0);
  EXPECT_NEAR(r.total, 22.0, 1e-9);
  EXPECT_NEAR(r.missed, 2.5, 1e-9);       // [0,0.5] + second speaker in [18,20]
  EXPECT_NEAR(r.false_alarm, 2.0, 1e-9);  // [10,12]; hypothesis after 22 is not scored
  EXPECT_NEAR(r.confusion, 2.0, 1e-9);    // A said by y in [20,22]
  EXPECT_NEAR(r.der, 6.5 / 22.0, 1e-9);
  EXPECT_EQ(r.mapping.at("A"), "x");
  EXPECT_EQ(r.mapping.at("B"), "y");
}

TEST(ComputeDer, HandWorkedExampleWithCollar) {
  // Collars of +/-0.25 s around 0, 10, 12, 18, 20, 22 remove 2.5 s of the 22 s region.
  auto r = ComputeDer(kRef, kHyp, 0.25);
  EXPECT_NEAR(r.total, 19.5, 1e-9);
  EXPECT_NEAR(r.missed, 1.75, 1e-9);
  EXPECT_NEAR(r.false_alarm, 1.5, 1e-9);
  EXPECT_NEAR(r.confusion, 1.5, 1e-9);
  EXPECT_NEAR(r.der, 4.75 / 19.5, 1e-9);  // md-eval: 24.36 %
}

TEST(ComputeDer, DefaultCollarIsQuarterSecond) {
  EXPECT_DOUBLE_EQ(ComputeDer(kRef, kHyp).der, ComputeDer(kRef, kHyp, 0.25).der);
}

TEST(ComputeDer, EmptyHypothesisIsAllMissed) {
  auto r = ComputeDer(kRef, {}, 0.0);
  EXPECT_NEAR(r.missed, 22.0, 1e-9);
  EXPECT_NEAR(r.der, 1.0, 1e-9);
  EXPECT_TRUE(r.mapping.empty());
}

TEST(ComputeDer, EmptyReferenceScoresNothing) {
  auto r = ComputeDer({}, kHyp, 0.25);
  EXPECT_DOUBLE_EQ(r.total, 0.0);
  EXPECT_DOUBLE_EQ(r.der, 0.0);
}

TEST(ComputeDer, OneHypothesisSpeakerForTwoReferenceSpeakers) {
  std::vector<Turn> ref = {{"A", 0, 6}, {"B", 6, 10}};
  auto r = ComputeDer(ref, {{"S1", 0, 10}}, 0.0);
  EXPECT_EQ(r.mapping.size(), 1u);
  EXPECT_EQ(r.mapping.at("A"), "S1");  // the larger overlap wins
  EXPECT_NEAR(r.confusion, 4.0, 1e-9);
  EXPECT_NEAR(r.der, 0.4, 1e-9);
}

TEST(ComputeDer, SplitSpeakerMapsTheLargerPart) {
  std::vector<Turn> ref = {{"A", 0, 10}};
  auto r = ComputeDer(ref, {{"S1", 0, 3}, {"S2", 3, 10}}, 0.0);
  EXPECT_EQ(r.mapping.at("A"), "S2");
  EXPECT_NEAR(r.confusion, 3.0, 1e-9);
  EXPECT_NEAR(r.missed + r.false_alarm, 0.0, 1e-9);
}

TEST(ComputeDer, MappingIsGloballyOptimalNotGreedy) {
  // Greedy would pair A with S1 (overlap 5) and leave B with S2 (overlap 0); the optimum pairs
  // A-S2 (4) and B-S1 (4) for a total overlap of 8.
  std::vector<Turn> ref = {{"A", 0, 5}, {"B", 5, 9}, {"A", 9, 13}};
  std::vector<Turn> hyp = {{"S1", 0, 9}, {"S2", 9, 13}};
  auto r = ComputeDer(ref, hyp, 0.0);
  EXPECT_EQ(r.mapping.at("A"), "S2");
  EXPECT_EQ(r.mapping.at("B"), "S1");
  EXPECT_NEAR(r.confusion, 5.0, 1e-9);
}

TEST(ComputeDer, ExtraHypothesisSpeakerDuringSilenceIsFalseAlarm) {
  std::vector<Turn> ref = {{"A", 0, 4}, {"B", 6, 10}};
  std::vector<Turn> hyp = {{"x", 0, 4}, {"z", 4, 6}, {"y", 6, 10}};
  auto r = ComputeDer(ref, hyp, 0.0);
  EXPECT_NEAR(r.false_alarm, 2.0, 1e-9);
  EXPECT_NEAR(r.confusion + r.missed, 0.0, 1e-9);
  EXPECT_NEAR(r.der, 0.25, 1e-9);
}

TEST(ComputeDer, OverlappingTurnsOfOneSpeakerCountOnce) {
  auto r = ComputeDer({{"A", 0, 6}, {"A", 4, 10}}, {{"x", 0, 10}}, 0.0);
  EXPECT_NEAR(r.total, 10.0, 1e-9);
  EXPECT_NEAR(r.der, 0.0, 1e-9);
}

TEST(ComputeDer, ZeroLengthTurnsAreIgnored) {
  auto r = ComputeDer({{"A", 0, 5}, {"B", 7, 7}}, {{"x", 0, 5}, {"y", 6, 6}}, 0.25);
  EXPECT_NEAR(r.total, 4.5, 1e-9);  // [0,5] minus the collars [0,0.25] and [4.75,5]
  EXPECT_NEAR(r.der, 0.0, 1e-9);
}

TEST(TurnsFromSegments, CopiesSpeakerAndTimes) {
  std::vector<Segment> segments(2);
  segments[0].speaker = "S1", segments[0].start = 1, segments[0].end = 2;
  segments[1].speaker = "S2", segments[1].start = 2.5, segments[1].end = 4;
  auto turns = TurnsFromSegments(segments);
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[1].speaker, "S2");
  EXPECT_DOUBLE_EQ(turns[1].start, 2.5);
  EXPECT_DOUBLE_EQ(turns[1].end, 4);
}

TEST(ReadRttm, ParsesSpeakerLines) {
  auto path = TempPath("read.rttm");
  std::ofstream(path) << ";; comment\n"
                         "SPKR-INFO standup 1 <NA> <NA> <NA> unknown alice <NA> <NA>\n"
                         "SPEAKER standup 1 0.421 3.530 <NA> <NA> alice <NA> <NA>\n"
                         "\n"
                         "SPEAKER standup 1 5.014 5.180 <NA> <NA> bob <NA> <NA>\n";
  std::string error = "unset";
  auto turns = ReadRttm(path.string(), &error);
  std::filesystem::remove_all(path.parent_path());
  EXPECT_EQ(error, "");
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[0].speaker, "alice");
  EXPECT_DOUBLE_EQ(turns[0].start, 0.421);
  EXPECT_DOUBLE_EQ(turns[0].end, 0.421 + 3.530);
  EXPECT_EQ(turns[1].speaker, "bob");
}

TEST(ReadRttm, ReportsErrors) {
  std::string error;
  EXPECT_TRUE(ReadRttm("/nonexistent/x.rttm", &error).empty());
  EXPECT_NE(error.find("cannot open"), std::string::npos);
  auto path = TempPath("bad.rttm");
  std::ofstream(path) << "SPEAKER standup 1 zero 3.5 <NA> <NA> alice <NA> <NA>\n";
  EXPECT_TRUE(ReadRttm(path.string(), &error).empty());
  std::filesystem::remove_all(path.parent_path());
  EXPECT_NE(error.find("bad time"), std::string::npos);
}

}  // namespace
}  // namespace minutes::scoring
