// A Chinese transcript end to end through the binary (`minutes render`): decisions, action
// items with owners and deadlines found by the Chinese cues, minutes with the Chinese template's
// headings, and SRT, VTT, text and DOCX with the CJK text intact.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(Chinese, ATranscriptInChineseGivesChineseMinutesAndSubtitles) {
  fs::path dir = fs::temp_directory_path() / ("minutes-zh-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  nlohmann::json segments = nlohmann::json::array();
  const char* lines[][2] = {{"S1", "大家好，今天讨论新版本的发布计划。"},
                            {"S2", "测试环境已经准备好了，新版本的功能测试还差一点。"},
                            {"S1", "我们决定下周五发布新版本。"},
                            {"S2", "好的，我负责功能测试，周三之前完成。"},
                            {"S1", "请李雷跟进发布说明，发布说明月底前上线。"},
                            {"S2", "新版本的发布计划就这么定了。"}};
  for (int i = 0; i < 6; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "seg-%04d", i + 1);
    segments.push_back({{"id", id},
                        {"speaker", lines[i][0]},
                        {"start", i * 5.0},
                        {"end", i * 5.0 + 4.5},
                        {"text", lines[i][1]},
                        {"words", nlohmann::json::array()}});
  }
  nlohmann::json tr = {{"duration", 30.0},
                       {"language", "zh"},
                       {"speakers",
                        {{{"id", "S1"}, {"name", nullptr}, {"talk_time", 13.5}},
                         {{"id", "S2"}, {"name", nullptr}, {"talk_time", 13.5}}}},
                       {"segments", segments}};
  std::ofstream(dir / "transcript.json") << tr.dump(2);
  auto r = RunCommand(MinutesBinary() + " render " + ShellQuote(dir.string()) +
                      " --template zh --name S1=王芳 --name S2=李雷");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  std::string md = Read(dir / "minutes.md");
  for (const char* heading : {"## 参会人", "## 会议摘要", "## 决定事项", "## 待办事项"})
    EXPECT_NE(md.find(heading), std::string::npos) << heading << "\n" << md;
  EXPECT_NE(md.find("- 我们决定下周五发布新版本。 — _王芳_"), std::string::npos) << md;
  EXPECT_NE(md.find("**李雷**：好的，我负责功能测试，周三之前完成。（截止：周三之前）"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**李雷**：请李雷跟进发布说明，发布说明月底前上线。（截止：月底前）"),
            std::string::npos)
      << md;
  auto minutes = nlohmann::json::parse(Read(dir / "minutes.json"));
  EXPECT_EQ(minutes["decisions"].size(), 2u);
  EXPECT_EQ(minutes["title"].get<std::string>().rfind("关于", 0), 0u) << minutes["title"];

  std::string srt = Read(dir / "transcript.srt"), vtt = Read(dir / "transcript.vtt");
  EXPECT_NE(srt.find("00:00:10,000 --> 00:00:14,500\n王芳: 我们决定下周五发布新版本。"),
            std::string::npos)
      << srt;
  EXPECT_NE(vtt.find("<v 李雷>好的，我负责功能测试，周三之前完成。"), std::string::npos) << vtt;
  EXPECT_NE(Read(dir / "transcript.txt").find("李雷"), std::string::npos);
  auto docx =
      RunCommand("unzip -p " + ShellQuote((dir / "minutes.docx").string()) + " word/document.xml");
  EXPECT_EQ(docx.exit_code, 0);
  EXPECT_NE(docx.output.find("我们决定下周五发布新版本。"), std::string::npos);
  EXPECT_NE(docx.output.find("待办事项"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace minutes
