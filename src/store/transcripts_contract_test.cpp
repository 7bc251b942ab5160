// The transcripts and minutes-versions repositories on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/minutes_versions.hpp"
#include "store/transcripts.hpp"
#include "store_contract.hpp"

namespace minutes::testing {
namespace {

class TranscriptsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddTenant("acme");
    AddUser("alice", "acme", "member");
    AddTask("t1", "acme", "alice", "");
    AddTask("t2", "acme", "alice", "");
  }
  static Transcript Sample() {
    Transcript tr;
    tr.duration = 12.625;
    tr.language = "en";
    tr.segments = {{"seg-0001",
                    "S2",
                    0.5,
                    2.25,
                    "Hello there.",
                    {{"Hello", 0.5, 1.0, 0.9}, {"there.", 1.0, 2.25, 0.75}}},
                   {"seg-0002", "S1", 2.5, 6.0, "Zoë's 你好 'quoted' ?", {}},
                   {"seg-0003", "S2", 6.0, 7.0, "Bye.", {{"Bye.", 6.0, 7.0, 1.0}}}};
    return tr;
  }
};

TEST_P(TranscriptsContract, NotReadyUntilStored) {
  auto tr = LoadTranscript(*db_, "t1");
  ASSERT_FALSE(tr.ok());
  EXPECT_EQ(tr.status().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(FindTranscriptRow(*db_, "t1")->has_value());
  EXPECT_TRUE(FindSegmentRows(*db_, "t1")->empty());
}

TEST_P(TranscriptsContract, RoundTripsWithSpeakersInOrderOfFirstAppearance) {
  ASSERT_TRUE(db_->Transaction([](Database& tx) {
                   return ReplaceTranscript(tx, "t1", Sample(), "whisper:base.en");
                 })
                  .ok());
  Exec("INSERT INTO speaker_names (task_id, speaker, name) VALUES ('t1', 'S1', 'Alice')");
  auto tr = LoadTranscript(*db_, "t1");
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  EXPECT_DOUBLE_EQ(tr->duration, 12.625);
  EXPECT_EQ(tr->language, "en");
  EXPECT_EQ(tr->engine, "whisper:base.en");
  EXPECT_EQ(tr->model, "base.en");
  ASSERT_EQ(tr->segments.size(), 3u);
  EXPECT_EQ(tr->segments[1].text, "Zoë's 你好 'quoted' ?");
  EXPECT_EQ(tr->segments[0].id, "seg-0001");
  EXPECT_DOUBLE_EQ(tr->segments[0].end, 2.25);
  ASSERT_EQ(tr->segments[0].words.size(), 2u);
  EXPECT_EQ(tr->segments[0].words[1].word, "there.");
  EXPECT_DOUBLE_EQ(tr->segments[0].words[1].confidence, 0.75);
  ASSERT_EQ(tr->speakers.size(), 2u);
  EXPECT_EQ(tr->speakers[0].id, "S2");
  EXPECT_FALSE(tr->speakers[0].name.has_value());
  EXPECT_DOUBLE_EQ(tr->speakers[0].talk_time, 2.75);
  EXPECT_EQ(tr->speakers[1].id, "S1");
  EXPECT_EQ(tr->speakers[1].name, std::optional<std::string>("Alice"));

  auto rows = FindSegmentRows(*db_, "t1");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].seq, 2);
  EXPECT_EQ((*rows)[2].speaker, "S2");
  EXPECT_EQ(FindSpeakerNames(*db_, "t1")->size(), 1u);
  EXPECT_TRUE(FindSegmentRows(*db_, "t2")->empty());  // another task's are not mixed in
}

// A redelivered job stores its transcript again: the earlier one is replaced, not added to.
TEST_P(TranscriptsContract, StoringAgainReplaces) {
  ASSERT_TRUE(ReplaceTranscript(*db_, "t1", Sample(), "pocketsphinx").ok());
  Transcript shorter = Sample();
  shorter.segments.resize(1);
  shorter.duration = 3;
  ASSERT_TRUE(ReplaceTranscript(*db_, "t1", shorter, "pocketsphinx").ok());
  auto tr = LoadTranscript(*db_, "t1");
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  EXPECT_EQ(tr->segments.size(), 1u);
  EXPECT_DOUBLE_EQ(tr->duration, 3);
  EXPECT_EQ(tr->model, "");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM transcripts"), 1);
}

class MinutesVersionsContract : public TranscriptsContract {};

TEST_P(MinutesVersionsContract, VersionsAreKeptAndTheLatestIsFound) {
  MinutesVersion v1;
  v1.task_id = "t1";
  v1.version = 1;
  v1.template_name = "team";
  v1.template_body = "v1 {{title}}";
  v1.template_version = 3;
  v1.generator = "extractive";
  v1.minutes_json = R"({"title":"Standup"})";
  ASSERT_TRUE(InsertMinutesVersion(*db_, v1).ok());
  MinutesVersion v2;
  v2.task_id = "t1";
  v2.version = 2;
  v2.template_name = "brief";
  v2.generator = "openai:gpt-4o-mini";
  v2.minutes_json = "{}";
  v2.repairs_json = R"([{"path":"/x","action":"dropped"}])";
  v2.created_at = "2026-02-01T00:00:00Z";
  ASSERT_TRUE(InsertMinutesVersion(*db_, v2).ok());

  auto latest = FindMinutesVersion(*db_, "t1", std::nullopt);
  ASSERT_TRUE(latest.ok() && latest->has_value()) << latest.status().message();
  EXPECT_EQ((*latest)->version, 2);
  EXPECT_EQ((*latest)->template_name, "brief");
  EXPECT_FALSE((*latest)->template_body.has_value());
  EXPECT_FALSE((*latest)->template_version.has_value());
  EXPECT_EQ((*latest)->generator, "openai:gpt-4o-mini");
  EXPECT_EQ((*latest)->repairs_json, R"([{"path":"/x","action":"dropped"}])");
  EXPECT_EQ((*latest)->created_at, "2026-02-01T00:00:00Z");

  auto first = FindMinutesVersion(*db_, "t1", 1);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->template_body, std::optional<std::string>("v1 {{title}}"));
  EXPECT_EQ((*first)->template_version, std::optional<int64_t>(3));
  EXPECT_EQ((*first)->minutes_json, R"({"title":"Standup"})");
  EXPECT_EQ((*first)->repairs_json, "[]");
  EXPECT_FALSE((*first)->created_at.empty());  // stamped

  EXPECT_FALSE(FindMinutesVersion(*db_, "t1", 3)->has_value());
  EXPECT_FALSE(FindMinutesVersion(*db_, "t2", std::nullopt)->has_value());
  EXPECT_TRUE(*HasMinutesVersion(*db_, "t1", 2));
  EXPECT_FALSE(*HasMinutesVersion(*db_, "t2", 1));
}

// Never overwritten: writing a version that exists fails, and the first stays.
TEST_P(MinutesVersionsContract, AVersionIsNeverOverwritten) {
  MinutesVersion v;
  v.task_id = "t1";
  v.version = 1;
  v.template_name = "default";
  v.template_version = 0;
  v.generator = "extractive";
  v.minutes_json = "{}";
  ASSERT_TRUE(InsertMinutesVersion(*db_, v).ok());
  v.generator = "other";
  Status again = InsertMinutesVersion(*db_, v);
  EXPECT_EQ(again.kind(), ErrorKind::kBadInput) << again.message();
  EXPECT_EQ((*FindMinutesVersion(*db_, "t1", 1))->generator, "extractive");
}

STORE_CONTRACT(TranscriptsContract);
STORE_CONTRACT(MinutesVersionsContract);

}  // namespace
}  // namespace minutes::testing
