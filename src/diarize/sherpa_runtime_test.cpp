#include "diarize/sherpa_runtime.hpp"

#include <gtest/gtest.h>

#include <string>

namespace minutes {
namespace {

TEST(SherpaRuntime, LoadsTheFetchedLibraryAndItsVersion) {
  auto api = LoadSherpa(MINUTES_SHERPA_LIBRARY);
  ASSERT_TRUE(api.ok()) << api.status().message();
  EXPECT_EQ(std::string((*api)->SherpaOnnxGetVersionStr()), "1.13.8");
  auto again = LoadSherpa(MINUTES_SHERPA_LIBRARY);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *api) << "loaded once per process";
}

TEST(SherpaRuntime, AMissingLibraryIsUnavailableAndNamed) {
  auto api = LoadSherpa("/nonexistent/libsherpa-onnx-c-api.so");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(api.status().message().find("sherpa-onnx"), std::string::npos);
}

TEST(SherpaRuntime, MissingModelsAreNotFoundBeforeTheLibrarySeesThem) {
  auto api = LoadSherpa(MINUTES_SHERPA_LIBRARY);
  ASSERT_TRUE(api.ok()) << api.status().message();
  SherpaDiarizationParams p;
  p.segmentation_model = "/nonexistent/segmentation.onnx";
  p.embedding_model = "/nonexistent/embedding.onnx";
  auto sd = SherpaDiarization::Create(**api, p);
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(sd.status().message().find("segmentation.onnx"), std::string::npos);
}

}  // namespace
}  // namespace minutes
