#include "diarize/local_diarizer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audio/decoder.hpp"
#include "audio/vad.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

struct Loaded {
  std::vector<int16_t> pcm;
  std::vector<Utterance> utts;
  nlohmann::json ref;
};

Loaded Load(const std::string& name) {
  Loaded l;
  auto dir = minutes::testing::TestData(name);
  Segmenter seg;
  EXPECT_TRUE(DecodeAudio(
                  dir / "meeting.wav",
                  [&](std::span<const int16_t> b) {
                    l.pcm.insert(l.pcm.end(), b.begin(), b.end());
                    seg.Push(b, &l.utts);
                    return Status::Ok();
                  },
                  nullptr)
                  .ok());
  seg.Finish(&l.utts);
  l.ref = nlohmann::json::parse(std::ifstream(dir / "reference.json"));
  return l;
}

// Label that covers most of [s, e].
int MajorityLabel(const std::vector<SpeakerTurn>& turns, double s, double e) {
  std::map<int, double> cover;
  for (auto& t : turns)
    cover[t.speaker] += std::max(0.0, std::min(e, t.end) - std::max(s, t.start));
  int best = -1;
  double most = 0;
  for (auto& [l, c] : cover)
    if (c > most) most = c, best = l;
  return best;
}

void ExpectSpeakersRecovered(const std::string& name, int speakers_hint) {
  Loaded l = Load(name);
  auto d = MakeLocalDiarizer();
  PcmReader read = [&](int64_t s, int64_t e, std::vector<int16_t>* out) {
    out->assign(l.pcm.begin() + s, l.pcm.begin() + std::min<int64_t>(e, l.pcm.size()));
    return Status::Ok();
  };
  DiarizeOptions o;
  o.speakers = speakers_hint;
  o.threads = 2;
  auto turns = d->Diarize(l.utts, read, o);
  ASSERT_TRUE(turns.ok()) << turns.status().message();
  std::map<std::string, std::set<int>> by_ref;
  std::set<int> all;
  for (auto& u : l.ref["utterances"]) {
    int lab = MajorityLabel(*turns, u["start"], u["end"]);
    by_ref[u["speaker"]].insert(lab);
    all.insert(lab);
  }
  for (auto& [spk, labs] : by_ref) EXPECT_EQ(labs.size(), 1u) << name << ": " << spk << " split";
  EXPECT_EQ(all.size(), by_ref.size()) << name << ": speakers merged";
  EXPECT_EQ((*turns)[0].speaker, 0) << "labels in order of first appearance";
  for (size_t i = 1; i < turns->size(); ++i)
    EXPECT_LE((*turns)[i - 1].end, (*turns)[i].start + 1e-9);
}

TEST(LocalDiarizer, RecoversThreeSpeakersOfTheStandup) { ExpectSpeakersRecovered("standup", 0); }
TEST(LocalDiarizer, RecoversTwoSpeakersOfThePlanningMeeting) {
  ExpectSpeakersRecovered("planning", 0);
}
TEST(LocalDiarizer, RecoversFourSpeakersOfTheReview) { ExpectSpeakersRecovered("review", 0); }
TEST(LocalDiarizer, UsesAGivenSpeakerCount) { ExpectSpeakersRecovered("review", 4); }

TEST(LocalDiarizer, NoUtterancesNoTurns) {
  auto d = MakeLocalDiarizer();
  auto turns = d->Diarize({}, nullptr, {});
  ASSERT_TRUE(turns.ok());
  EXPECT_TRUE(turns->empty());
}

TEST(LocalDiarizer, ReadErrorsAreReported) {
  auto d = MakeLocalDiarizer();
  PcmReader bad = [](int64_t, int64_t, std::vector<int16_t>*) { return Status::Io("gone"); };
  auto turns = d->Diarize({{0, 32000}}, bad, {});
  ASSERT_FALSE(turns.ok());
  EXPECT_EQ(turns.status().message(), "gone");
}

}  // namespace
}  // namespace minutes
