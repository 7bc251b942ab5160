// Whole-recording speech providers — Amazon Transcribe and Volcano Engine — against local
// servers that speak their documented protocols strictly (Transcribe's signatures verified),
// with the audio staged in a real S3-compatible server; provider speakers used as the
// diarization, the local diarizer when there are none; failover and circuit breaking.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "asr/aws_transcribe.hpp"
#include "asr/volcengine_transcriber.hpp"
#include "fake_transcribe_server.hpp"
#include "fake_transcription_server.hpp"
#include "fake_volcengine_server.hpp"
#include "pipeline/pipeline.hpp"
#include "s3_server.hpp"
#include "storage/object_store.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using testing::ScriptLine;

const AwsCredentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

std::string Standup() { return (testing::TestData("standup") / "meeting.wav").string(); }

std::vector<ScriptLine> StandupScript(const std::string& label_prefix) {
  return testing::ScriptFromReference((testing::TestData("standup") / "reference.json").string(),
                                      label_prefix);
}

class WholeRecordingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("AWS_ACCESS_KEY_ID", kCreds.access_key.c_str(), 1);
    setenv("AWS_SECRET_ACCESS_KEY", kCreds.secret_key.c_str(), 1);
    unsetenv("AWS_SESSION_TOKEN");
    ResetAsrCircuitBreakers();
  }
  // Nothing may stay staged once a job has ended.
  void ExpectNothingStaged() {
    auto store = OpenObjectStore(s3_.Url("staging"), "S3RVER", "S3RVER");
    ASSERT_TRUE(store.ok());
    auto left = (*store)->List("asr-media/");
    ASSERT_TRUE(left.ok());
    EXPECT_TRUE(left->empty()) << (*left)[0].key;
  }
  PipelineOptions Options(const std::string& engine) {
    PipelineOptions po;
    po.engine = engine;
    po.threads = 2;
    po.media_store = s3_.Url("staging");
    po.media_access_key = po.media_secret_key = "S3RVER";  // s3rver's own keys
    return po;
  }
  testing::S3Server s3_{"media"};
};

std::string TranscribeUrl(const testing::FakeTranscribeServer& t, const std::string& extra = "") {
  return "transcribe://us-east-1?endpoint=" + t.Endpoint() +
         "&poll_s=0.02&poll_max_s=0.05&backoff_s=0.01" + extra;
}

TEST(TranscribeTranscript, PunctuationJoinsItsWordAndSpeakersComeFromTheSegments) {
  // The documented output shape, speakers given only in speaker_labels.segments.
  auto t = ParseTranscribeTranscript(R"({"jobName":"j","accountId":"1","results":{
    "transcripts":[{"transcript":"Hello, Bob. Hi."}],
    "speaker_labels":{"speakers":2,"segments":[
      {"start_time":"0.04","end_time":"0.95","speaker_label":"spk_0","items":[
        {"start_time":"0.04","end_time":"0.5","speaker_label":"spk_0"},
        {"start_time":"0.5","end_time":"0.95","speaker_label":"spk_0"}]},
      {"start_time":"1.2","end_time":"1.5","speaker_label":"spk_1","items":[
        {"start_time":"1.2","end_time":"1.5","speaker_label":"spk_1"}]}]},
    "items":[
      {"start_time":"0.04","end_time":"0.5","alternatives":[{"confidence":"0.99","content":"Hello"}],"type":"pronunciation"},
      {"alternatives":[{"confidence":"0.0","content":","}],"type":"punctuation"},
      {"start_time":"0.5","end_time":"0.95","alternatives":[{"confidence":"0.87","content":"Bob"}],"type":"pronunciation"},
      {"alternatives":[{"confidence":"0.0","content":"."}],"type":"punctuation"},
      {"start_time":"1.2","end_time":"1.5","alternatives":[{"confidence":"0.9","content":"Hi"}],"type":"pronunciation"}]},
    "status":"COMPLETED"})");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->words.size(), 3u);
  EXPECT_TRUE(t->has_speakers);
  EXPECT_EQ(t->words[0].word.word, "Hello,");
  EXPECT_EQ(t->words[1].word.word, "Bob.");
  EXPECT_DOUBLE_EQ(t->words[1].word.start, 0.5);
  EXPECT_DOUBLE_EQ(t->words[1].word.confidence, 0.87);
  EXPECT_EQ(t->words[0].speaker, "spk_0");
  EXPECT_EQ(t->words[2].speaker, "spk_1");
  EXPECT_FALSE(ParseTranscribeTranscript("{\"status\":\"COMPLETED\"}").ok());
}

TEST(VolcengineResult, WordsInMillisecondsAndSpeakersFromAdditions) {
  auto t = ParseVolcengineResult(R"({"audio_info":{"duration":3000},"result":{"text":"好的我们开始",
    "utterances":[
      {"start_time":0,"end_time":800,"text":"好的","definite":true,"additions":{"speaker":"1"},
       "words":[{"start_time":0,"end_time":400,"text":"好"},{"start_time":400,"end_time":800,"text":"的"}]},
      {"start_time":1000,"end_time":2000,"text":"我们开始","additions":{"speaker":"2"}}]}})");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_TRUE(t->has_speakers);
  ASSERT_EQ(t->words.size(), 6u);  // two words, then four characters spread over 1 s
  EXPECT_EQ(t->words[1].word.word, "的");
  EXPECT_DOUBLE_EQ(t->words[1].word.start, 0.4);
  EXPECT_EQ(t->words[2].word.word, "我");
  EXPECT_DOUBLE_EQ(t->words[2].word.start, 1.0);
  EXPECT_DOUBLE_EQ(t->words[5].word.end, 2.0);
  EXPECT_EQ(t->words[5].speaker, "2");
}

TEST(ProviderUrls, AreCheckedBeforeAnythingRuns) {
  EXPECT_TRUE(ValidateAsrEngine("transcribe://eu-west-1?max_speakers=4").ok());
  auto bad = ValidateAsrEngine("transcribe://eu-west-1?max_speakers=40");
  EXPECT_NE(bad.message().find("max_speakers"), std::string::npos) << bad.message();
  bad = ValidateAsrEngine("volcengine://openspeech.bytedance.com");
  EXPECT_NE(bad.message().find("access token"), std::string::npos) << bad.message();
  bad = ValidateAsrEngine("volcengine://app:secret-token@openspeech.bytedance.com?colour=red");
  EXPECT_NE(bad.message().find("colour"), std::string::npos);
  EXPECT_EQ(bad.message().find("secret-token"), std::string::npos) << "tokens never in errors";
  EXPECT_FALSE(ValidateAsrEngine("azure://x").ok());
  EXPECT_EQ(AsrEngineName("transcribe://us-east-1?name=aws-asr&poll_s=1"), "aws-asr");
  EXPECT_EQ(AsrEngineName("volcengine+http://a:b@h"), "volcengine");
  EXPECT_EQ(AsrEngineName("pocketsphinx"), "pocketsphinx");
  EXPECT_EQ(TranscribeLanguageCode("zh").value(), "zh-CN");
  EXPECT_EQ(TranscribeLanguageCode("auto").value(), "");
  EXPECT_FALSE(TranscribeLanguageCode("xx").ok());
}

TEST_F(WholeRecordingTest, TranscribeJobWithSpeakerLabelsAndAVocabularyFromTheHotwords) {
  testing::FakeTranscribeServer aws(kCreds, "us-east-1", s3_.endpoint());
  aws.script = StandupScript("spk_");
  aws.FailNext(1);  // LimitExceededException: retried
  PipelineOptions po = Options(TranscribeUrl(aws));
  po.hotwords = {"login page", "Kubernetes"};
  double last = 0;
  bool monotonic = true;
  auto r = TranscribeRecording(Standup(), po, [&](const std::string& stage, double f) {
    if (stage == "transcribe") monotonic = monotonic && f >= last, last = f;
  });
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(aws.violations().empty()) << aws.violations()[0];
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(r->engine, "transcribe:batch");
  EXPECT_EQ(r->diarizer, "provider");
  ASSERT_EQ(r->attempts.size(), 1u);
  EXPECT_EQ(r->attempts[0].outcome, "ok");
  // The provider's three speakers, in order, with the words they said.
  ASSERT_EQ(r->transcript.speakers.size(), 3u);
  ASSERT_FALSE(r->transcript.segments.empty());
  EXPECT_EQ(r->transcript.segments[0].speaker, "S1");
  EXPECT_EQ(r->transcript.segments[0].text.rfind("Good morning everyone.", 0), 0u)
      << r->transcript.segments[0].text;
  bool bob = false;
  for (auto& s : r->transcript.segments) {
    for (auto& w : s.words) {
      EXPECT_GE(w.start, s.start - 1e-9);
      EXPECT_LE(w.end, s.end + 1e-9);
    }
    if (s.text.find("Yesterday I finished the login page") != std::string::npos) {
      bob = true;
      EXPECT_EQ(s.speaker, "S2");
    }
  }
  EXPECT_TRUE(bob);
  // One job: media from S3 in the declared format, speakers on, the vocabulary, then deleted.
  auto jobs = aws.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  auto& job = jobs.begin()->second;
  EXPECT_TRUE(job.deleted);
  EXPECT_TRUE(job.failure.empty()) << job.failure;
  EXPECT_NEAR(job.seconds, r->audio.seconds(), 0.01);
  EXPECT_EQ(job.request["LanguageCode"], "en-US");
  EXPECT_EQ(job.request["Settings"]["MaxSpeakerLabels"], 10);
  EXPECT_EQ(job.vocabulary, (std::vector<std::string>{"login-page", "Kubernetes"}));
  ExpectNothingStaged();

  // The vocabulary is made once and shared by later jobs with the same words.
  auto again = TranscribeRecording(Standup(), po, {});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(aws.vocabularies().size(), 1u);
  int creates = 0;
  for (auto& op : aws.operations()) creates += op == "CreateVocabulary";
  EXPECT_EQ(creates, 1);

  // Another task made the same vocabulary between this one's GetVocabulary and its
  // CreateVocabulary (ConflictException, told by its AWS error type): it is waited for and used.
  aws.vocabulary_race = true;
  po.hotwords = {"standup"};
  auto raced = TranscribeRecording(Standup(), po, {});
  ASSERT_TRUE(raced.ok()) << raced.status().message();
  bool used = false;
  for (auto& [name, j] : aws.jobs())
    used = used || j.vocabulary == std::vector<std::string>{"standup"};
  EXPECT_TRUE(used) << "the vocabulary another task made is used";
}

TEST_F(WholeRecordingTest, TranscribeHonoursTheSpeakerCountAndFallsBackToTheLocalDiarizer) {
  testing::FakeTranscribeServer aws(kCreds, "us-east-1", s3_.endpoint());
  aws.script = StandupScript("spk_");
  PipelineOptions po = Options(TranscribeUrl(aws));
  po.speakers = 2;
  auto two = TranscribeRecording(Standup(), po, {});
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(two->transcript.speakers.size(), 2u);
  // One speaker asked for: no speaker labels from the provider, the local diarizer decides.
  po.speakers = 1;
  auto one = TranscribeRecording(Standup(), po, {});
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(one->diarizer, "local");
  EXPECT_EQ(one->transcript.speakers.size(), 1u);
  int without_labels = 0;
  for (auto& [name, job] : aws.jobs()) without_labels += !job.request.contains("Settings");
  EXPECT_EQ(without_labels, 1);
  ASSERT_TRUE(aws.violations().empty()) << aws.violations()[0];
}

TEST_F(WholeRecordingTest, TranscribeFailuresSayWhyAndLeaveNothingBehind) {
  testing::FakeTranscribeServer aws(kCreds, "us-east-1", s3_.endpoint());
  aws.script = StandupScript("spk_");
  aws.fail_jobs_with = "The media file is too short.";
  auto failed = TranscribeRecording(Standup(), Options(TranscribeUrl(aws)), {});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("The media file is too short."), std::string::npos)
      << failed.status().message();
  EXPECT_TRUE(aws.jobs().begin()->second.deleted);
  ExpectNothingStaged();

  // A 500 InternalFailureException twice is retried; the job then runs.
  aws.fail_jobs_with.clear();
  aws.FailNext(2, 500, "InternalFailureException");
  auto retried = TranscribeRecording(Standup(), Options(TranscribeUrl(aws)), {});
  EXPECT_TRUE(retried.ok()) << retried.status().message();
  // A refused request (400) is not retried and says why.
  aws.FailNext(1, 400, "BadRequestException");
  auto refused = TranscribeRecording(Standup(), Options(TranscribeUrl(aws)), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("HTTP 400 BadRequestException"), std::string::npos)
      << refused.status().message();
  ExpectNothingStaged();

  setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret", 1);
  auto unsigned_ = TranscribeRecording(Standup(), Options(TranscribeUrl(aws)), {});
  ASSERT_FALSE(unsigned_.ok());
  EXPECT_NE(unsigned_.status().message().find("signature"), std::string::npos)
      << unsigned_.status().message();
  EXPECT_EQ(unsigned_.status().message().find("not-the-secret"), std::string::npos);
  ExpectNothingStaged();

  PipelineOptions no_store = Options(TranscribeUrl(aws));
  no_store.media_store = "";
  auto nowhere = TranscribeRecording(Standup(), no_store, {});
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.status().message().find("s3://"), std::string::npos);
}

TEST_F(WholeRecordingTest, VolcengineChineseMeetingWithSpeakersAndHotwords) {
  testing::FakeVolcengineServer volc("4512", "volc-token");
  volc.script = {{"1", 0.5, 3.5, "好的 我们 开始 开会 。"},
                 {"2", 5.0, 9.0, "我们 决定 下周 发布 新版本 ，王芳 负责 测试 。"},
                 {"1", 11.2, 14.0, "同意 ， 周五 截止 。"}};
  volc.FailNext(1);  // 429 / 55000031: retried
  PipelineOptions po = Options(volc.Url("4512", "volc-token") + "?poll_s=0.02&backoff_s=0.01");
  po.language = "zh";
  po.hotwords = {"王芳", "新版本"};
  auto r = TranscribeRecording(Standup(), po, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(volc.violations().empty()) << volc.violations()[0];
  EXPECT_EQ(r->engine, "volcengine:bigmodel");
  EXPECT_EQ(r->diarizer, "provider");
  EXPECT_EQ(r->transcript.language, "zh");
  ASSERT_EQ(r->transcript.speakers.size(), 2u);
  std::string all;
  for (auto& s : r->transcript.segments) all += s.speaker + ":" + s.text + "|";
  EXPECT_NE(all.find("S1:好的我们开始开会。"), std::string::npos) << all;
  EXPECT_NE(all.find("S2:我们决定下周发布新版本，王芳负责测试。"), std::string::npos) << all;
  auto jobs = volc.jobs();
  ASSERT_GE(jobs.size(), 1u);
  EXPECT_EQ(jobs.begin()->second.hotwords, po.hotwords);
  EXPECT_NEAR(jobs.begin()->second.seconds, r->audio.seconds(), 0.01);
  EXPECT_EQ(jobs.begin()->second.request["request"]["enable_speaker_info"], true);
  ExpectNothingStaged();

  volc.FailNext(2, 500, "55000000");  // server errors are retried too
  auto again = TranscribeRecording(Standup(), po, {});
  EXPECT_TRUE(again.ok()) << again.status().message();

  auto denied =
      TranscribeRecording(Standup(), Options(volc.Url("4512", "wrong") + "?poll_s=0.02"), {});
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.status().message().find("HTTP 401"), std::string::npos)
      << denied.status().message();
  ExpectNothingStaged();
}

TEST_F(WholeRecordingTest, AFailingProviderFailsOverAndItsCircuitOpens) {
  testing::FakeTranscriptionServer whisper;
  int closed = testing::FreeLoopbackPort();
  std::string down = "transcribe://us-east-1?endpoint=http://127.0.0.1:" + std::to_string(closed) +
                     "&retries=0&name=aws";
  PipelineOptions po = Options(down);
  po.fallback_engines = {"openai+http://:sk-asr@127.0.0.1:" + std::to_string(whisper.port()) +
                         "/v1?model=whisper-1"};
  for (int i = 0; i < 3; ++i) {
    auto r = TranscribeRecording(Standup(), po, {});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->engine, "openai:whisper-1");
    ASSERT_EQ(r->attempts.size(), 2u);
    EXPECT_EQ(r->attempts[0].outcome, "failed");
    EXPECT_NE(r->attempts[0].error.find("127.0.0.1"), std::string::npos) << r->attempts[0].error;
    EXPECT_EQ(r->attempts[1].outcome, "ok");
  }
  auto r = TranscribeRecording(Standup(), po, {});  // three failures in a row: passed over
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->attempts[0].outcome, "skipped (circuit open)");
  ExpectNothingStaged();
  // With no engine left the error names every one.
  po.fallback_engines = {"openai+http://:sk-asr@127.0.0.1:" + std::to_string(closed) +
                         "/v1?model=whisper-1&retries=0"};
  ResetAsrCircuitBreakers();
  auto none = TranscribeRecording(Standup(), po, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("every speech engine failed"), std::string::npos)
      << none.status().message();
}

}  // namespace
}  // namespace minutes
