#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "storage/object_store.hpp"

namespace minutes {
namespace {
namespace fs = std::filesystem;

fs::path FreshDir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("minutes_factory_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(OpenObjectStore, AbsoluteFileUrlCreatesTheDirectory) {
  fs::path dir = FreshDir("abs") / "nested";
  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore("file://" + dir.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_TRUE(fs::is_directory(dir));
  std::istringstream body("hello");
  ASSERT_TRUE((*store)->Put("k", body, 100).ok());
  EXPECT_TRUE(fs::is_regular_file(dir / "k"));
  fs::remove_all(dir.parent_path());
}

TEST(OpenObjectStore, RelativeFileUrlIsRelativeToTheWorkingDirectory) {
  fs::path base = FreshDir("rel");
  fs::create_directories(base);
  fs::path old = fs::current_path();
  fs::current_path(base);
  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore("file://relative/dir");
  fs::current_path(old);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_TRUE(fs::is_directory(base / "relative" / "dir"));
  fs::remove_all(base);
}

TEST(OpenObjectStore, S3UrlsNeedCredentials) {
  unsetenv("AWS_ACCESS_KEY_ID");
  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore("s3://bucket/prefix");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(store.status().message().find("credentials"), std::string::npos);
}

TEST(OpenObjectStore, RejectsOtherUrlsByName) {
  for (const std::string url : {"ftp://host/x", "/plain/path", "file://", ""}) {
    Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().kind(), ErrorKind::kBadInput);
    EXPECT_NE(store.status().message().find("'" + url + "'"), std::string::npos)
        << store.status().message();
  }
}

}  // namespace
}  // namespace minutes
