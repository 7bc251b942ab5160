#include "diarize/neural_diarizer.hpp"

#include <gtest/gtest.h>

#include <set>

#include "audio/decoder.hpp"
#include "audio/vad.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

Utterance Utt(double s, double e) {
  return {static_cast<int64_t>(s * 16000), static_cast<int64_t>(e * 16000)};
}

void ExpectOrderedAndDisjoint(const std::vector<SpeakerTurn>& turns) {
  for (size_t i = 0; i < turns.size(); ++i) {
    EXPECT_LT(turns[i].start, turns[i].end) << "turn " << i;
    if (i > 0) {
      EXPECT_LE(turns[i - 1].end, turns[i].start) << "turn " << i;
    }
  }
}

TEST(TurnsFromSegments, GivesEachStretchTheSpeakerCoveringIt) {
  auto turns = TurnsFromSegments({Utt(1, 5)}, {{0.5, 3.0, 7}, {3.0, 6.0, 2}});
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_DOUBLE_EQ(turns[0].start, 1);
  EXPECT_DOUBLE_EQ(turns[0].end, 3);
  EXPECT_EQ(turns[0].speaker, 0) << "renumbered by first appearance";
  EXPECT_DOUBLE_EQ(turns[1].start, 3);
  EXPECT_DOUBLE_EQ(turns[1].end, 5);
  EXPECT_EQ(turns[1].speaker, 1);
}

TEST(TurnsFromSegments, OverlapGoesToTheSpeakerOfMoreOfTheUtterance) {
  // Speaker 4 covers 1-4 of the utterance, speaker 9 only 3-3.5: the overlap is speaker 4's.
  auto turns = TurnsFromSegments({Utt(1, 4)}, {{0, 4, 4}, {3, 3.5, 9}});
  ASSERT_EQ(turns.size(), 1u);
  EXPECT_DOUBLE_EQ(turns[0].start, 1);
  EXPECT_DOUBLE_EQ(turns[0].end, 4);
}

TEST(TurnsFromSegments, SpeechNoSegmentCoversTakesTheNearestSpeaker) {
  auto turns = TurnsFromSegments({Utt(0, 1), Utt(5, 6), Utt(9, 10)}, {{4.8, 5.5, 3}, {9.5, 12, 1}});
  ASSERT_EQ(turns.size(), 3u);
  EXPECT_EQ(turns[0].speaker, 0);  // 0-1: the nearest segment is speaker 3's
  EXPECT_DOUBLE_EQ(turns[0].end, 1);
  EXPECT_EQ(turns[1].speaker, 0);  // 5-6: speaker 3's, 5.5-6 as the nearest
  EXPECT_DOUBLE_EQ(turns[1].start, 5);
  EXPECT_DOUBLE_EQ(turns[1].end, 6);
  EXPECT_EQ(turns[2].speaker, 1);  // 9-10: speaker 1's, 9-9.5 as the nearest
  EXPECT_DOUBLE_EQ(turns[2].start, 9);
  EXPECT_DOUBLE_EQ(turns[2].end, 10);
  ExpectOrderedAndDisjoint(turns);
}

TEST(TurnsFromSegments, NoSegmentsIsOneSpeaker) {
  auto turns = TurnsFromSegments({Utt(0, 1), Utt(2, 3)}, {});
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[0].speaker, 0);
  EXPECT_EQ(turns[1].speaker, 0);
}

NeuralDiarizerParams ModelParams() {
  NeuralDiarizerParams p;
  p.library = MINUTES_SHERPA_LIBRARY;
  p.segmentation_model = (testing::BinaryDir() / "diarization-models/segmentation.onnx").string();
  p.embedding_model = (testing::BinaryDir() / "diarization-models/embedding.onnx").string();
  return p;
}

TEST(NeuralDiarizer, AMissingModelIsNotFound) {
  NeuralDiarizerParams p = ModelParams();
  p.embedding_model = "/nonexistent/embedding.onnx";
  auto d = MakeNeuralDiarizer(p);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().kind(), ErrorKind::kNotFound);
}

struct Recording {
  std::vector<int16_t> pcm;
  std::vector<Utterance> utts;
};

Recording Load(const std::string& name) {
  Recording r;
  Segmenter seg;
  Status s = DecodeAudio(
      testing::TestData(name) / "meeting.wav",
      [&](std::span<const int16_t> b) {
        r.pcm.insert(r.pcm.end(), b.begin(), b.end());
        seg.Push(b, &r.utts);
        return Status::Ok();
      },
      nullptr);
  EXPECT_TRUE(s.ok()) << s.message();
  seg.Finish(&r.utts);
  return r;
}

TEST(NeuralDiarizer, DiarizesAMeetingIntoOrderedDisjointTurnsDeterministically) {
  Recording r = Load("standup");
  ASSERT_FALSE(r.utts.empty());
  auto d = MakeNeuralDiarizer(ModelParams());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ((*d)->Name(), "neural");
  PcmReader read = [&](int64_t s, int64_t e, std::vector<int16_t>* out) {
    out->assign(r.pcm.begin() + s, r.pcm.begin() + std::min<int64_t>(e, r.pcm.size()));
    return Status::Ok();
  };
  DiarizeOptions o;
  o.speakers = 3;
  auto turns = (*d)->Diarize(r.utts, read, o);
  ASSERT_TRUE(turns.ok()) << turns.status().message();
  ASSERT_FALSE(turns->empty());
  ExpectOrderedAndDisjoint(*turns);
  std::set<int> speakers;
  for (const auto& t : *turns) speakers.insert(t.speaker);
  EXPECT_EQ(speakers.size(), 3u);
  EXPECT_EQ(turns->front().speaker, 0);
  double speech = 0, labelled = 0;
  for (const auto& u : r.utts) speech += u.end_s() - u.start_s();
  for (const auto& t : *turns) labelled += t.end - t.start;
  EXPECT_NEAR(labelled, speech, 1e-6) << "every utterance labelled, nothing else";

  auto again = (*d)->Diarize(r.utts, read, o);
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_EQ(again->size(), turns->size());
  for (size_t i = 0; i < turns->size(); ++i) {
    EXPECT_EQ((*again)[i].start, (*turns)[i].start);
    EXPECT_EQ((*again)[i].end, (*turns)[i].end);
    EXPECT_EQ((*again)[i].speaker, (*turns)[i].speaker);
  }
}

TEST(NeuralDiarizer, ClustersAgainWhenTheThresholdFindsMoreThanMaxSpeakers) {
  Recording r = Load("review");
  NeuralDiarizerParams p = ModelParams();
  p.threshold = 0.001f;  // nearly every local speaker its own cluster
  auto d = MakeNeuralDiarizer(p);
  ASSERT_TRUE(d.ok()) << d.status().message();
  PcmReader read = [&](int64_t s, int64_t e, std::vector<int16_t>* out) {
    out->assign(r.pcm.begin() + s, r.pcm.begin() + std::min<int64_t>(e, r.pcm.size()));
    return Status::Ok();
  };
  DiarizeOptions o;
  o.max_speakers = 100;
  auto many = (*d)->Diarize(r.utts, read, o);
  ASSERT_TRUE(many.ok()) << many.status().message();
  std::set<int> found;
  for (const auto& t : *many) found.insert(t.speaker);
  ASSERT_GT(found.size(), 2u) << "the threshold alone finds more than two";

  o.max_speakers = 2;
  auto two = (*d)->Diarize(r.utts, read, o);
  ASSERT_TRUE(two.ok()) << two.status().message();
  std::set<int> kept;
  for (const auto& t : *two) kept.insert(t.speaker);
  EXPECT_EQ(kept.size(), 2u);
  ExpectOrderedAndDisjoint(*two);
}

}  // namespace
}  // namespace minutes
