#pragma once
// Test helper: a per-test temporary directory for YAML files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace minutes {

/// Fixture that owns a fresh temp dir and writes YAML files into it.
class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("minutes_config_" + std::to_string(getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Writes `yaml` to DIR/config.yaml and returns the path.
  std::string Write(const std::string& yaml) {
    std::string path = (dir_ / "config.yaml").string();
    std::ofstream(path) << yaml;
    return path;
  }

  std::filesystem::path dir_;
};

}  // namespace minutes
