#include "diarize/onnx_metadata.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "diarize/sherpa_runtime.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) out += static_cast<char>((v & 0x7f) | 0x80), v >>= 7;
  return out + static_cast<char>(v);
}

std::string Bytes(uint64_t field, const std::string& payload) {
  return Varint(field << 3 | 2) + Varint(payload.size()) + payload;
}

// A ModelProto: ir_version, a stand-in graph, and metadata_props.
std::string Model(const Entries& entries) {
  std::string out = Varint(1 << 3) + Varint(7) + Bytes(7, std::string(300, 'g'));
  for (const auto& [k, v] : entries) out += Bytes(14, Bytes(1, k) + Bytes(2, v));
  return out;
}

std::string Write(const std::string& name, const std::string& bytes) {
  auto path = (testing::BinaryDir() / ("onnx_metadata_test_" + name)).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

Entries Segmentation() {
  return {{"model_type", "pyannote-segmentation-3.0"},
          {"sample_rate", "16000"},
          {"window_size", "160000"},
          {"receptive_field_size", "991"},
          {"receptive_field_shift", "270"},
          {"num_speakers", "3"},
          {"powerset_max_classes", "2"},
          {"num_classes", "7"}};
}

Entries Without(Entries e, const std::string& key) {
  std::erase_if(e, [&](const auto& kv) { return kv.first == key; });
  return e;
}

std::string Generated(const std::string& name) {
  return (testing::BinaryDir() / "diarization-models" / name).string();
}

TEST(OnnxMetadata, ReadsTheGeneratedModelsMetadata) {
  auto meta = ReadOnnxMetadata(Generated("segmentation.onnx"));
  ASSERT_TRUE(meta.ok()) << meta.status().message();
  EXPECT_EQ((*meta)["model_type"], "pyannote-segmentation-3.0");
  EXPECT_EQ((*meta)["receptive_field_shift"], "270");
  EXPECT_TRUE(CheckSegmentationModel(Generated("segmentation.onnx")).ok());
  Status s = CheckEmbeddingModel(Generated("embedding.onnx"));
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(OnnxMetadata, AHandMadeModelWithEveryKeyPasses) {
  auto path = Write("complete.onnx", Model(Segmentation()));
  Status s = CheckSegmentationModel(path);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(OnnxMetadata, AMissingKeyIsRefusedByName) {
  auto path = Write("no_window.onnx", Model(Without(Segmentation(), "window_size")));
  Status s = CheckSegmentationModel(path);
  EXPECT_EQ(s.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(s.message().find("'window_size'"), std::string::npos) << s.message();
}

TEST(OnnxMetadata, InconsistentPowersetClassesAreRefused) {
  Entries e = Without(Segmentation(), "num_classes");
  e.push_back({"num_classes", "9"});
  Status s = CheckSegmentationModel(Write("nine_classes.onnx", Model(e)));
  EXPECT_EQ(s.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(s.message().find("num_classes 9"), std::string::npos) << s.message();
}

TEST(OnnxMetadata, EmbeddingModelsOfOtherFrameworksOrWithoutLanguageAreRefused) {
  Entries ok = {{"framework", "3d-speaker"}, {"output_dim", "192"},
                {"sample_rate", "16000"},    {"normalize_samples", "1"},
                {"language", "English"},     {"feature_normalize_type", "global-mean"}};
  Status s = CheckEmbeddingModel(Write("campplus.onnx", Model(ok)));
  EXPECT_TRUE(s.ok()) << s.message();
  Entries nemo = Without(ok, "framework");
  nemo.push_back({"framework", "nemo"});
  EXPECT_EQ(CheckEmbeddingModel(Write("nemo.onnx", Model(nemo))).kind(),
            ErrorKind::kFailedPrecondition);
  s = CheckEmbeddingModel(Write("no_language.onnx", Model(Without(ok, "language"))));
  EXPECT_NE(s.message().find("'language'"), std::string::npos) << s.message();
}

TEST(OnnxMetadata, AFileThatIsNoModelIsRefused) {
  Status s = CheckSegmentationModel(Write("text.onnx", "this is not a model\n"));
  EXPECT_EQ(s.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(s.message().find("not an ONNX model"), std::string::npos) << s.message();
  EXPECT_EQ(CheckSegmentationModel(Write("empty.onnx", "")).kind(), ErrorKind::kFailedPrecondition);
}

// The point of the check: sherpa-onnx would end this process on such a model.
TEST(OnnxMetadata, SherpaDiarizationRefusesAModelWithoutMetadataAndTheProcessLives) {
  auto api = LoadSherpa(MINUTES_SHERPA_LIBRARY);
  ASSERT_TRUE(api.ok()) << api.status().message();
  SherpaDiarizationParams p;
  p.segmentation_model = Write("bare.onnx", Model(Without(Segmentation(), "num_speakers")));
  p.embedding_model = Generated("embedding.onnx");
  auto sd = SherpaDiarization::Create(**api, p);
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.status().kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(sd.status().message().find("'num_speakers'"), std::string::npos);
}

}  // namespace
}  // namespace minutes
