#include "export/transcript_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace minutes {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Transcript Sample() {
  Transcript t;
  t.duration = 3725.5;
  t.language = "zh";
  t.speakers = {{"S1", "Smith, John", 12.25}, {"S2", std::nullopt, 3.5}};
  t.segments = {
      {"seg-0001", "S1", 1.0, 2.5, "你好，世界 🎉", {{"你好", 1.0, 1.5, 0.875}, {"🎉", 1.6, 2.5, 1}}},
      {"seg-0002", "S2", 3600.0, 3725.5, "", {}},
  };
  return t;
}

Status Parse(const json& j) { return TranscriptFromJson(j).status(); }

TEST(TranscriptJson, ProducesTheDocumentedShape) {
  json j = TranscriptToJson(Sample());
  EXPECT_EQ(j["duration"], 3725.5);
  EXPECT_EQ(j["language"], "zh");
  EXPECT_EQ(j["speakers"][0], json({{"id", "S1"}, {"name", "Smith, John"}, {"talk_time", 12.25}}));
  EXPECT_TRUE(j["speakers"][1]["name"].is_null());
  EXPECT_EQ(j["segments"][0]["text"], "你好，世界 🎉");
  EXPECT_EQ(j["segments"][0]["words"][1],
            json({{"word", "🎉"}, {"start", 1.6}, {"end", 2.5}, {"confidence", 1.0}}));
  EXPECT_EQ(j["segments"][1]["words"], json::array());
  EXPECT_EQ(j.size(), 6u);
  EXPECT_TRUE(j["engine"].is_null()) << "always there, null when not recorded";
  EXPECT_TRUE(j["model"].is_null());
  EXPECT_EQ(j["segments"][0].size(), 6u);
}

TEST(TranscriptJson, RoundsSecondsAndConfidenceToThreeDecimals) {
  Transcript t;
  t.duration = 10.123456;
  t.segments = {{"a", "S1", 1.23449, 2.0006, "x", {{"x", 1.2346, 1.9999, 0.87654}}}};
  json j = TranscriptToJson(t);
  EXPECT_EQ(j["duration"].dump(), "10.123");
  EXPECT_EQ(j["segments"][0]["start"].dump(), "1.234");
  EXPECT_EQ(j["segments"][0]["end"].dump(), "2.001");
  EXPECT_EQ(j["segments"][0]["words"][0]["start"].dump(), "1.235");
  EXPECT_EQ(j["segments"][0]["words"][0]["confidence"].dump(), "0.877");
}

TEST(TranscriptJson, RoundTripsThroughText) {
  json first = TranscriptToJson(Sample());
  auto back = TranscriptFromJson(json::parse(first.dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->language, "zh");
  EXPECT_EQ(back->duration, 3725.5);
  ASSERT_EQ(back->speakers.size(), 2u);
  EXPECT_EQ(back->speakers[0].name, "Smith, John");
  EXPECT_FALSE(back->speakers[1].name.has_value());
  ASSERT_EQ(back->segments.size(), 2u);
  EXPECT_EQ(back->segments[0].text, "你好，世界 🎉");
  EXPECT_EQ(back->segments[0].words[0].confidence, 0.875);
  EXPECT_EQ(back->segments[1].start, 3600.0);
  EXPECT_EQ(TranscriptToJson(*back), first);
}

TEST(TranscriptJson, EmptyTranscriptRoundTrips) {
  json j = TranscriptToJson(Transcript{});
  EXPECT_EQ(j["segments"], json::array());
  EXPECT_EQ(j["speakers"], json::array());
  auto back = TranscriptFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->segments.empty());
}

TEST(TranscriptJson, ErrorsNameTheField) {
  json j = TranscriptToJson(Sample());
  json bad = j;
  bad["segments"][1]["start"] = "3600";
  Status s = Parse(bad);
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_THAT(s.message(), StartsWith("segments[1].start: expected a number"));

  bad = j;
  bad["segments"][0]["words"][1].erase("confidence");
  EXPECT_THAT(Parse(bad).message(), StartsWith("segments[0].words[1].confidence: missing"));

  bad = j;
  bad["speakers"][0]["name"] = 7;
  EXPECT_THAT(Parse(bad).message(), StartsWith("speakers[0].name: expected a string or null"));

  bad = j;
  bad.erase("language");
  EXPECT_THAT(Parse(bad).message(), StartsWith("language: missing"));

  bad = j;
  bad["segments"][0] = "text";
  EXPECT_THAT(Parse(bad).message(), StartsWith("segments[0]: expected an object"));

  EXPECT_THAT(Parse(json::array()).message(), StartsWith("transcript: expected an object"));
}

TEST(TranscriptJson, AbsentSpeakerNameMeansUnnamed) {
  json j = TranscriptToJson(Sample());
  j["speakers"][0].erase("name");
  auto back = TranscriptFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_FALSE(back->speakers[0].name.has_value());
}

TEST(TranscriptJson, RejectsSegmentsOutOfTimeOrder) {
  json j = TranscriptToJson(Sample());
  std::swap(j["segments"][0], j["segments"][1]);
  Status s = Parse(j);
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_THAT(s.message(), StartsWith("segments[1].start:"));
  EXPECT_THAT(s.message(), HasSubstr("time order"));
}

TEST(TranscriptJson, RejectsEndBeforeStartAndNegativeTimes) {
  json j = TranscriptToJson(Sample());
  j["segments"][0]["end"] = 0.5;
  EXPECT_THAT(Parse(j).message(), StartsWith("segments[0].end:"));
  j = TranscriptToJson(Sample());
  j["duration"] = -1;
  EXPECT_THAT(Parse(j).message(), StartsWith("duration: must not be negative"));
}

TEST(TranscriptJson, WordsMustLieInTheirSegmentWithinOneMillisecond) {
  json j = TranscriptToJson(Sample());  // segment 0 spans 1.0 .. 2.5
  j["segments"][0]["words"][0]["start"] = 0.999;
  j["segments"][0]["words"][1]["end"] = 2.501;
  EXPECT_TRUE(TranscriptFromJson(j).ok()) << Parse(j).message();

  j["segments"][0]["words"][0]["start"] = 0.998;
  EXPECT_THAT(Parse(j).message(), StartsWith("segments[0].words[0].start:"));

  j = TranscriptToJson(Sample());
  j["segments"][0]["words"][1]["end"] = 2.502;
  EXPECT_THAT(Parse(j).message(), StartsWith("segments[0].words[1].end:"));
}

TEST(TranscriptJson, RejectsConfidenceOutsideZeroToOne) {
  json j = TranscriptToJson(Sample());
  j["segments"][0]["words"][0]["confidence"] = 1.5;
  EXPECT_THAT(Parse(j).message(), StartsWith("segments[0].words[0].confidence:"));
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

TEST(TranscriptJson, NamesTheEngineAndItsModel) {
  Transcript t = Sample();
  t.engine = "speaches:whisper-1";
  t.model = "whisper-1";
  nlohmann::json j = TranscriptToJson(t);
  EXPECT_EQ(j["engine"], "speaches:whisper-1");
  EXPECT_EQ(j["model"], "whisper-1");
  auto back = TranscriptFromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->engine, "speaches:whisper-1");
  EXPECT_EQ(back->model, "whisper-1");
  t.engine = "pocketsphinx";
  t.model = "";
  EXPECT_TRUE(TranscriptToJson(t)["model"].is_null()) << "an engine without a model";
  // Transcripts written before the engine was recorded (neither field) still load, with none.
  nlohmann::json old = TranscriptToJson(Sample());
  old.erase("engine");
  old.erase("model");
  auto loaded = TranscriptFromJson(old);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->engine, "");
  old["engine"] = "whisper:base.en";
  EXPECT_EQ(TranscriptFromJson(old)->model, "base.en") << "the model read from the engine's name";
  old["engine"] = 7;
  EXPECT_EQ(TranscriptFromJson(old).status().kind(), ErrorKind::kBadInput);
}

}  // namespace
}  // namespace minutes
