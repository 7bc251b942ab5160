// A model's minutes and answers repaired field by field: what is kept, what is dropped and
// recorded, what is resolved, and what counts as nothing usable.
#include "minutes/minutes_repair.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

using nlohmann::json;

Transcript Meeting() {
  Transcript t;
  t.speakers = {
      {"S1", std::string("Ana"), 10}, {"S2", std::string("Alice"), 10}, {"S3", std::nullopt, 5}};
  t.segments = {{"seg-0001", "S1", 0, 5, "We ship on Friday.", {}},
                {"seg-0002", "S2", 5, 10, "I will write the release notes by Thursday.", {}},
                {"seg-0003", "S3", 10, 15, "Fine.", {}}};
  return t;
}

// The repairs as one JSON array, for comparing whole records.
json Repairs(const std::vector<Repair>& r) { return RepairsToJson(r); }

TEST(MinutesRepair, AGoodReplyNeedsNoRepair) {
  auto r = RepairMinutes(json::parse(R"({"title":"Release","summary":["We ship Friday."],
    "decisions":[{"text":"Ship on Friday","speaker":"S1","segment":"seg-0001"}],
    "action_items":[{"text":"Release notes","owner":"S2","due":"Thursday","segment":"seg-0002"}],
    "topics":["release"]})"),
                         Meeting());
  EXPECT_TRUE(r.usable());
  EXPECT_EQ(Repairs(r.repairs), json::array());
  EXPECT_EQ(r.doc.title, "Release");
  ASSERT_EQ(r.doc.decisions.size(), 1u);
  EXPECT_EQ(r.doc.decisions[0].speaker, "S1");
  EXPECT_EQ(r.doc.action_items[0].due, "Thursday");
}

TEST(MinutesRepair, ANullSpeakerAndAMissingSegmentDropOnlyTheCitations) {
  // The issue's case: the decision stays, its two bad citations go, each one recorded.
  auto r = RepairMinutes(json::parse(R"({"title":"Release","summary":["We ship."],
    "decisions":[{"text":"Ship on Friday","speaker":null}],"action_items":[],"topics":[]})"),
                         Meeting());
  ASSERT_TRUE(r.usable());
  ASSERT_EQ(r.doc.decisions.size(), 1u);
  EXPECT_EQ(r.doc.decisions[0].text, "Ship on Friday");
  EXPECT_EQ(r.doc.decisions[0].speaker, "");
  EXPECT_EQ(r.doc.decisions[0].segment, "");
  EXPECT_EQ(Repairs(r.repairs), json::parse(R"([
    {"path":"decisions[0].segment","action":"dropped","reason":"missing"},
    {"path":"decisions[0].speaker","action":"dropped","reason":"null"}])"));
}

TEST(MinutesRepair, UnknownSegmentsAndSpeakersAreDroppedWithWhatTheModelSaid) {
  auto r = RepairMinutes(json::parse(R"({"title":"T","summary":[],
    "decisions":[{"text":"Ship","speaker":"S9","segment":"seg-9999"},
                 {"text":"Keep it","speaker":42,"segment":"seg-0003"}],
    "action_items":[{"text":"Notes","owner":"S7","due":null,"segment":"[seg-0002]"}]})"),
                         Meeting());
  EXPECT_EQ(Repairs(r.repairs), json::parse(R"([
    {"path":"decisions[0].segment","action":"dropped","reason":"unknown segment","from":"seg-9999"},
    {"path":"decisions[0].speaker","action":"dropped","reason":"unknown speaker","from":"S9"},
    {"path":"decisions[1].speaker","action":"dropped","reason":"wrong type"},
    {"path":"decisions[1].speaker","action":"filled","reason":"the cited segment's speaker","to":"S3"},
    {"path":"action_items[0].owner","action":"dropped","reason":"unknown speaker","from":"S7"}])"));
  EXPECT_EQ(r.doc.decisions[1].speaker, "S3");
  EXPECT_EQ(r.doc.action_items[0].segment, "seg-0002");  // brackets around the id are fine
}

TEST(MinutesRepair, NamesResolveToTheSpeakerTheyName) {
  auto r = RepairMinutes(json::parse(R"J({"title":"T",
    "decisions":[{"text":"Ship","speaker":"ana","segment":"seg-0001"},
                 {"text":"Test","speaker":"Alice (S2)","segment":"seg-0002"}],
    "action_items":[{"text":"Notes","owner":"Alice","due":"","segment":"seg-0002"},
                    {"text":"Design","owner":"the design team","segment":"seg-0001"},
                    {"text":"Check","owner":"S3 (Bob)","segment":"seg-0003"}]})J"),
                         Meeting());
  EXPECT_EQ(Repairs(r.repairs), json::parse(R"J([
    {"path":"decisions[0].speaker","action":"resolved","from":"ana","to":"S1"},
    {"path":"decisions[1].speaker","action":"resolved","from":"Alice (S2)","to":"S2"},
    {"path":"action_items[0].owner","action":"resolved","from":"Alice","to":"S2"},
    {"path":"action_items[2].owner","action":"resolved","from":"S3 (Bob)","to":"S3"}])J"));
  EXPECT_EQ(r.doc.action_items[0].owner, "S2");
  EXPECT_EQ(r.doc.action_items[0].due, "");                   // "" is no deadline, not a repair
  EXPECT_EQ(r.doc.action_items[1].owner, "the design team");  // someone only talked about
}

TEST(MinutesRepair, ShapeSlipsAreCoercedAndUnusableItemsDropped) {
  auto r = RepairMinutes(json::parse(R"({"title":"T","summary":"One sentence.","topics":"release",
    "confidence":0.9,
    "decisions":["Ship on Friday", {"text":7,"speaker":"S1","segment":"seg-0001"},
                 {"decision":"Freeze the branch","speaker":"S1","segment":"seg-0001","extra":1}],
    "action_items":{"task":"Notes","owner":"S2","due":"","segment":"seg-0002"}})"),
                         Meeting());
  EXPECT_EQ(r.doc.summary, std::vector<std::string>{"One sentence."});
  EXPECT_EQ(r.doc.topics, std::vector<std::string>{"release"});
  ASSERT_EQ(r.doc.decisions.size(), 2u);
  EXPECT_EQ(r.doc.decisions[0].text, "Ship on Friday");
  EXPECT_EQ(r.doc.decisions[1].text, "Freeze the branch");
  ASSERT_EQ(r.doc.action_items.size(), 1u);
  EXPECT_EQ(r.doc.action_items[0].text, "Notes");
  EXPECT_EQ(Repairs(r.repairs), json::parse(R"([
    {"path":"summary","action":"coerced","reason":"a string, not a list"},
    {"path":"decisions[0]","action":"coerced","reason":"a string, not an object"},
    {"path":"decisions[0].segment","action":"dropped","reason":"missing"},
    {"path":"decisions[0].speaker","action":"dropped","reason":"missing"},
    {"path":"decisions[1]","action":"dropped","reason":"no usable text"},
    {"path":"decisions[2].text","action":"coerced","reason":"given as decision"},
    {"path":"action_items","action":"coerced","reason":"an object, not a list"},
    {"path":"action_items[0].text","action":"coerced","reason":"given as task"},
    {"path":"topics","action":"coerced","reason":"a string, not a list"}])"));
}

TEST(MinutesRepair, AnAnswerToAnotherQuestionHasNothingUsable) {
  EXPECT_FALSE(
      RepairMinutes(json::parse(R"({"answer":"Friday","citations":["seg-0001"]})"), Meeting())
          .usable());
  EXPECT_FALSE(
      RepairMinutes(json::parse(R"({"title":"  ","summary":[3,true]})"), Meeting()).usable());
  EXPECT_FALSE(RepairMinutes(json::array(), Meeting()).usable());
  EXPECT_TRUE(RepairMinutes(json::parse(R"({"title":"Only a title"})"), Meeting()).usable());
}

TEST(MinutesRepair, TheJsonIsFoundInFencesAndCutOffJsonIsNamed) {
  auto fenced = ReplyJsonObject("Here you go:\n```json\n{\"title\": \"T\"}\n```\n");
  ASSERT_TRUE(fenced.ok());
  EXPECT_EQ((*fenced)["title"], "T");
  auto cut = ReplyJsonObject("```json\n{\"title\": \"T\", \"summary\": [\"We ship on Fri");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(cut.status().message(), "the JSON object is cut off before its end");
  // Cut off inside a nested object: the last '}' closes the nested one only.
  EXPECT_FALSE(ReplyJsonObject(R"({"decisions":[{"text":"a","speaker":"S1"},{"text":"b)").ok());
  EXPECT_EQ(ReplyJsonObject("Sure! The team ships Friday.").status().message(),
            "the reply is not a JSON object");
  EXPECT_EQ(ReplyJsonObject("[1, 2]").status().message(), "the reply is JSON but not an object");
}

TEST(MinutesRepair, SpeakersResolveOnlyWhenTheNameIsUnambiguous) {
  Transcript t = Meeting();
  EXPECT_EQ(ResolveSpeaker("s2", t), "S2");
  EXPECT_EQ(ResolveSpeaker(" ALICE ", t), "S2");
  EXPECT_EQ(ResolveSpeaker("S2 (Alice)", t), "S2");
  EXPECT_EQ(ResolveSpeaker("Bob", t), std::nullopt);
  t.speakers[2].name = "alice";  // two Alices: not ours to choose
  EXPECT_EQ(ResolveSpeaker("Alice", t), std::nullopt);
}

TEST(MinutesRepair, AnAnswerKeepsItsTextAndOnlyTheValidCitations) {
  auto a = RepairAnswer(json::parse(R"({"answer":"Friday.",
    "citations":["seg-0001","seg-9999",null,{"segment":"seg-0002"},"seg-0001"],"note":"x"})"),
                        Meeting());
  EXPECT_EQ(a.answer, "Friday.");
  EXPECT_EQ(a.citations, (std::vector<std::string>{"seg-0001", "seg-0002"}));
  EXPECT_EQ(Repairs(a.repairs), json::parse(R"([
    {"path":"citations[1]","action":"dropped","reason":"unknown segment","from":"seg-9999"},
    {"path":"citations[2]","action":"dropped","reason":"null"}])"));
  auto none = RepairAnswer(json::parse(R"({"answer":"Nobody said."})"), Meeting());
  EXPECT_EQ(none.answer, "Nobody said.");
  EXPECT_TRUE(none.citations.empty());
  EXPECT_EQ(Repairs(none.repairs),
            json::parse(R"([{"path":"citations","action":"dropped","reason":"missing"}])"));
  EXPECT_EQ(RepairAnswer(json::parse(R"({"title":"Minutes"})"), Meeting()).answer, "");
}

}  // namespace
}  // namespace minutes
