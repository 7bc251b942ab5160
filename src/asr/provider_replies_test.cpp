#include "asr/provider_replies.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace minutes {
namespace {

// provider_reply_fuzz found it: an utterance without end_time (after one with a start) spread its
// characters backwards in time, words that end before they start.
TEST(ProviderReplies, VolcengineUtteranceWithoutEndIsInstantaneous) {
  auto r = ParseVolcengineResult(
      R"({"result":{"utterances":[{"start_time":1800,"text":"开会 吧","additions":{"speaker":2}}]}})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->words.size(), 3u);
  for (const auto& w : r->words) {
    EXPECT_DOUBLE_EQ(w.word.start, 1.8);
    EXPECT_DOUBLE_EQ(w.word.end, 1.8);
  }
  EXPECT_EQ(r->words[0].speaker, "2");
}

// Members of another type threw from json::value() (or, for ints read from huge floats, were
// undefined behaviour); "nan" strings made times that sort nowhere. All are now read as absent.
TEST(ProviderReplies, OddMembersAreReadAsAbsentNeverThrow) {
  auto v = ParseVolcengineResult(
      R"({"result":{"utterances":[{"start_time":"x","end_time":1e300,"text":5,)"
      R"("words":[{"text":"a","start_time":1e300,"end_time":"9","confidence":"high"}]},7]}})");
  ASSERT_TRUE(v.ok());
  for (const auto& w : v->words) EXPECT_TRUE(std::isfinite(w.word.start));
  auto t = ParseTranscribeTranscript(
      R"({"results":{"language_code":5,"speaker_labels":{"segments":[{"items":[{"start_time":1}]},3]},)"
      R"("items":[{"start_time":"nan","end_time":"inf","type":4,"alternatives":[{"content":["x"],)"
      R"("confidence":"nan"}]},{"alternatives":"no"},{"start_time":"1.5","alternatives":[{"content":"b"}]}]}})");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->words.size(), 2u);
  EXPECT_EQ(t->words[0].word.start, 0);
  EXPECT_EQ(t->words[0].word.end, 0);
  EXPECT_EQ(t->words[1].word.start, 1.5);
  for (std::string body : {"[]", R"({"results":[]})", "{"})
    EXPECT_EQ(ParseTranscribeTranscript(body).status().kind(), ErrorKind::kUnavailable) << body;
  auto o = ParseOpenAiTranscription(
      "openai",
      R"({"words":[{"word":" hi","start":"1","end":99},{"word":3},{"word":"x","start":-5}],)"
      R"("segments":[{"avg_logprob":"bad","end":1}]})",
      10, 100);
  ASSERT_TRUE(o.ok());
  ASSERT_EQ(o->size(), 2u);
  EXPECT_EQ((*o)[0].word, "hi");
  EXPECT_EQ((*o)[0].start, 101) << "a numeric string is read as its number";
  EXPECT_EQ((*o)[0].end, 110) << "clamped into the audio";
  auto s = ParseOpenAiTranscription("openai", R"({"segments":[{"text":"a b","start":5,"end":2}]})",
                                    10, 0);
  ASSERT_TRUE(s.ok());
  for (const auto& w : *s) EXPECT_LE(w.start, w.end);
}

}  // namespace
}  // namespace minutes
