#include "export/subtitles.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace minutes {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Over an hour in, an empty segment, Unicode, a name with a comma, a line break, past 10 h.
Transcript Sample() {
  Transcript t;
  t.duration = 36010;
  t.speakers = {{"S1", "Smith, John", 0}, {"S2", std::nullopt, 0}};
  t.segments = {
      {"seg-0001", "S1", 3725.5, 3727.25, "Hello, world", {}},
      {"seg-0002", "S2", 3728, 3729, "  ", {}},
      {"seg-0003", "S2", 3730, 3731.004, "你好，世界 🎉", {}},
      {"seg-0004", "S1", 36000, 36001.5, "line one\n\nline two\r\n", {}},
  };
  return t;
}

TEST(RenderTxt, OneLinePerSegmentWithDisplayNames) {
  EXPECT_EQ(RenderTxt(Sample()),
            "[01:02:05] Smith, John: Hello, world\n"
            "[01:02:10] S2: 你好，世界 🎉\n"
            "[10:00:00] Smith, John: line one line two\n");
}

TEST(RenderSrt, NumbersCuesContiguouslyAndFlattensLines) {
  EXPECT_EQ(RenderSrt(Sample()),
            "1\n01:02:05,500 --> 01:02:07,250\nSmith, John: Hello, world\n"
            "\n"
            "2\n01:02:10,000 --> 01:02:11,004\nS2: 你好，世界 🎉\n"
            "\n"
            "3\n10:00:00,000 --> 10:00:01,500\nSmith, John: line one line two\n");
}

TEST(RenderVtt, WritesHeaderAndVoiceTags) {
  EXPECT_EQ(RenderVtt(Sample()),
            "WEBVTT\n"
            "\n01:02:05.500 --> 01:02:07.250\n<v Smith, John>Hello, world\n"
            "\n01:02:10.000 --> 01:02:11.004\n<v S2>你好，世界 🎉\n"
            "\n10:00:00.000 --> 10:00:01.500\n<v Smith, John>line one line two\n");
}

TEST(RenderVtt, EscapesMarkupAndArrowsInNamesAndText) {
  Transcript t;
  t.speakers = {{"S1", "R&D <lead>", 0}};
  t.segments = {{"a", "S1", 1, 2, "if a<b && c>d --> go", {}}};
  std::string vtt = RenderVtt(t);
  EXPECT_EQ(vtt,
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
            "<v R&amp;D &lt;lead&gt;>if a&lt;b &amp;&amp; c&gt;d --&gt; go\n");
  EXPECT_EQ(vtt.find("-->", vtt.find('<')), std::string::npos);
}

TEST(RenderSrt, EscapesMarkupSoTextNeverBecomesTags) {
  Transcript t;
  t.speakers = {{"S1", "<b>Boss</b> & co", 0}};
  t.segments = {{"a", "S1", 1, 2, "look <img src=x onerror=alert(1)> <font color=red>x</font>", {}},
                {"b", "S1", 3, 4, "a --> b", {}}};
  EXPECT_EQ(RenderSrt(t),
            "1\n00:00:01,000 --> 00:00:02,000\n"
            "&lt;b&gt;Boss&lt;/b&gt; &amp; co: look &lt;img src=x onerror=alert(1)&gt; "
            "&lt;font color=red&gt;x&lt;/font&gt;\n"
            "\n2\n00:00:03,000 --> 00:00:04,000\n"
            "&lt;b&gt;Boss&lt;/b&gt; &amp; co: a --&gt; b\n");
}

TEST(RenderRttm, UsesIdsAndMillisecondFields) {
  EXPECT_EQ(RenderRttm(Sample(), "team meeting"),
            "SPEAKER team_meeting 1 3725.500 1.750 <NA> <NA> S1 <NA> <NA>\n"
            "SPEAKER team_meeting 1 3728.000 1.000 <NA> <NA> S2 <NA> <NA>\n"
            "SPEAKER team_meeting 1 3730.000 1.004 <NA> <NA> S2 <NA> <NA>\n"
            "SPEAKER team_meeting 1 36000.000 1.500 <NA> <NA> S1 <NA> <NA>\n");
}

TEST(RenderRttm, NamesHaveWhitespaceReplaced) {
  Transcript t;
  t.speakers = {{"S1", "Smith, John", 0}, {"S2", "李\u3000雷\tX", 0}};
  t.segments = {{"a", "S1", 0.5, 1, "x", {}}, {"b", "S2", 1, 2.25, "你好", {}}};
  std::string rttm = RenderRttm(t, "会议 1", /*use_names=*/true);
  EXPECT_EQ(rttm,
            "SPEAKER 会议_1 1 0.500 0.500 <NA> <NA> Smith,_John <NA> <NA>\n"
            "SPEAKER 会议_1 1 1.000 1.250 <NA> <NA> 李_雷_X <NA> <NA>\n");
}

TEST(Renderers, EmptyTranscripts) {
  Transcript t;
  EXPECT_EQ(RenderTxt(t), "");
  EXPECT_EQ(RenderSrt(t), "");
  EXPECT_EQ(RenderVtt(t), "WEBVTT\n");
  EXPECT_EQ(RenderRttm(t, "x"), "");
}

TEST(Renderers, OnlyEmptySegmentsGiveNoCues) {
  Transcript t;
  t.segments = {{"a", "S1", 0, 1, "", {}}, {"b", "S1", 1, 2, "\n", {}}};
  EXPECT_EQ(RenderTxt(t), "");
  EXPECT_EQ(RenderSrt(t), "");
  EXPECT_EQ(RenderVtt(t), "WEBVTT\n");
  EXPECT_THAT(RenderRttm(t, "x"), HasSubstr("0.000 1.000 <NA> <NA> S1"));
}

TEST(Renderers, UnknownSpeakerFallsBackToItsId) {
  Transcript t;
  t.segments = {{"a", "S9", 0, 1, "hi", {}}};
  EXPECT_THAT(RenderSrt(t), HasSubstr("S9: hi"));
  EXPECT_THAT(RenderRttm(t, "x", true), HasSubstr(" S9 "));
  EXPECT_THAT(RenderVtt(t), Not(HasSubstr("<v >")));
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

TEST(RenderVtt, ANoteNamesTheEngine) {
  Transcript t;
  t.engine = "speaches:whisper-1";
  t.segments = {{"a", "S1", 1, 2, "hello", {}}};
  EXPECT_EQ(RenderVtt(t),
            "WEBVTT\n\nNOTE transcribed by speaches:whisper-1\n"
            "\n00:00:01.000 --> 00:00:02.000\n<v S1>hello\n");
  t.engine = "x-->y";
  EXPECT_EQ(RenderVtt(t).find("NOTE"), std::string::npos) << "a note may not hold -->";
}

}  // namespace
}  // namespace minutes
