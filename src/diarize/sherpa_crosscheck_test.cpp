// Our use of sherpa-onnx's C API against sherpa-onnx's own Node.js binding (sherpa-onnx-node, the
// same 1.13.8): the same models and recording must give the same segments.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "audio/decoder.hpp"
#include "diarize/sherpa_runtime.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

std::string Model(const std::string& name) {
  return (testing::BinaryDir() / "diarization-models" / name).string();
}

std::vector<float> Samples(const std::filesystem::path& wav) {
  std::vector<float> out;
  Status s = DecodeAudio(
      wav,
      [&](std::span<const int16_t> b) {
        for (int16_t v : b) out.push_back(v / 32768.0f);
        return Status::Ok();
      },
      nullptr);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

std::vector<SherpaSegment> Theirs(const std::filesystem::path& wav, int speakers, float threshold) {
  using testing::ShellQuote;
  auto r = testing::RunCommand(
      "node " + ShellQuote(testing::SourcePath("tests/tools/sherpa-diarize.mjs").string()) + " " +
      ShellQuote(Model("segmentation.onnx")) + " " + ShellQuote(Model("embedding.onnx")) + " " +
      ShellQuote(wav.string()) + " " + std::to_string(speakers) + " " + std::to_string(threshold));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::vector<SherpaSegment> out;
  size_t at = r.output.find("{\"version\"");  // after anything the library logged
  if (at == std::string::npos) {
    ADD_FAILURE() << "no result from sherpa-diarize.mjs: " << r.output;
    return out;
  }
  auto json = nlohmann::json::parse(r.output.substr(at));
  EXPECT_EQ(json["version"], "1.13.8");
  for (const auto& s : json["segments"]) out.push_back({s["start"], s["end"], s["speaker"]});
  return out;
}

std::vector<SherpaSegment> Ours(const std::filesystem::path& wav, int speakers, float threshold) {
  auto api = LoadSherpa(MINUTES_SHERPA_LIBRARY);
  EXPECT_TRUE(api.ok()) << api.status().message();
  SherpaDiarizationParams p;
  p.segmentation_model = Model("segmentation.onnx");
  p.embedding_model = Model("embedding.onnx");
  p.num_speakers = speakers;
  p.threshold = threshold;
  auto sd = SherpaDiarization::Create(**api, p);
  EXPECT_TRUE(sd.ok()) << sd.status().message();
  auto segments = (*sd)->Process(Samples(wav));
  EXPECT_TRUE(segments.ok()) << segments.status().message();
  return *segments;
}

void ExpectSameSegments(const std::string& meeting, int speakers, float threshold) {
  auto wav = testing::TestData(meeting) / "meeting.wav";
  auto ours = Ours(wav, speakers, threshold);
  auto theirs = Theirs(wav, speakers, threshold);
  ASSERT_FALSE(ours.empty());
  ASSERT_EQ(ours.size(), theirs.size());
  // Same partition: speaker numbers may differ, but one-to-one.
  std::map<int, int> to_theirs, to_ours;
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_NEAR(ours[i].start, theirs[i].start, 0.001) << meeting << " segment " << i;
    EXPECT_NEAR(ours[i].end, theirs[i].end, 0.001) << meeting << " segment " << i;
    auto [a, new_a] = to_theirs.emplace(ours[i].speaker, theirs[i].speaker);
    auto [b, new_b] = to_ours.emplace(theirs[i].speaker, ours[i].speaker);
    EXPECT_EQ(a->second, theirs[i].speaker) << meeting << " segment " << i;
    EXPECT_EQ(b->second, ours[i].speaker) << meeting << " segment " << i;
  }
}

TEST(SherpaCrossCheck, KnownSpeakerCountGivesSherpaOnnxNodesSegments) {
  ExpectSameSegments("standup", 3, 0.5f);
}

TEST(SherpaCrossCheck, ThresholdClusteringGivesSherpaOnnxNodesSegments) {
  ExpectSameSegments("review", 0, 0.5f);
}

}  // namespace
}  // namespace minutes
