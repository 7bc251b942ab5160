// What only the file store does: files and directories on disk. What every store promises is
// in object_store_contract_test.cpp.
#include "storage/file_object_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <streambuf>

#include "crypto/sha256.hpp"
#include "storage/staged_file.hpp"

namespace minutes {
namespace {
namespace fs = std::filesystem;

/// An endless body: Put must stop reading at the limit and leave nothing staged.
class EndlessBuf : public std::streambuf {
 public:
  EndlessBuf() : chunk_(4096, 'z') { setg(chunk_.data(), chunk_.data(), chunk_.data()); }

 protected:
  int_type underflow() override {
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::string chunk_;
};

class FileObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The store one level down in a directory of its own, so that what a key like "../x" would
    // touch beside it is this test's alone (not /tmp, which other programs use).
    root_ = fs::temp_directory_path() /
            ("minutes_storage_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()) /
            "objects";
    fs::remove_all(root_.parent_path());
    Result<std::unique_ptr<FileObjectStore>> opened = FileObjectStore::Open(root_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
  }
  void TearDown() override { fs::remove_all(root_.parent_path()); }

  void PutString(const std::string& key, const std::string& bytes) {
    std::istringstream body(bytes);
    Result<ObjectInfo> info = store_->Put(key, body, 1 << 30);
    EXPECT_TRUE(info.ok()) << info.status().message();
  }
  /// Every regular file under the root, staging, uploads and sidecars included.
  std::vector<std::string> FilesOnDisk() {
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root_))
      if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root_));
    std::sort(files.begin(), files.end());
    return files;
  }

  fs::path root_;
  std::unique_ptr<FileObjectStore> store_;
};

TEST_F(FileObjectStoreTest, ObjectsAndTheirDirectoriesAreForThisUserOnly) {
  PutString("tenants/acme/recording.wav", "bytes");
  auto up = store_->BeginUpload("tenants/acme/big.wav");
  ASSERT_TRUE(up.ok()) << up.status().message();
  std::istringstream part("part one");
  ASSERT_TRUE(store_->PutPart("tenants/acme/big.wav", *up, 1, part, 100).ok());
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root_)) {
    auto mode = fs::status(e.path()).permissions();
    auto want =
        e.is_directory() ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write;
    EXPECT_EQ(mode, want) << e.path();
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(fs::status(root_).permissions(), fs::perms::owner_all);
  EXPECT_EQ(files, 4);  // the object, its hash, the part and its ETag
}

TEST(FileErrors, AFullVolumeIsInsufficientStorage) {
  EXPECT_EQ(FileError("writing", ENOSPC).kind(), ErrorKind::kInsufficientStorage);
  EXPECT_EQ(FileError("writing", EDQUOT).kind(), ErrorKind::kInsufficientStorage);
  EXPECT_EQ(FileError("writing", std::make_error_code(std::errc::no_space_on_device)).kind(),
            ErrorKind::kInsufficientStorage);
  EXPECT_EQ(FileError("writing", EIO).kind(), ErrorKind::kIo);
}

TEST_F(FileObjectStoreTest, FailedWritesProbesAndDeletesLeaveNoFilesBehind) {
  std::istringstream over(std::string(300 * 1024, 'x'));
  EXPECT_EQ(store_->Put("big", over, 200 * 1024).status().kind(), ErrorKind::kTooLarge);
  EndlessBuf endless;
  std::istream forever(&endless);
  EXPECT_EQ(store_->Put("endless", forever, 1 << 20).status().kind(), ErrorKind::kTooLarge);
  for (const std::string key : {"../x", "/abs", "a//b", "a/../b", ""}) {
    std::istringstream body("x");
    EXPECT_EQ(store_->Put(key, body, 10).status().kind(), ErrorKind::kBadInput) << key;
  }
  EXPECT_TRUE(store_->Probe().ok());
  EXPECT_TRUE(FilesOnDisk().empty());
  EXPECT_FALSE(fs::exists(root_ / "_probe"));
  EXPECT_FALSE(fs::exists(root_.parent_path() / "x"));

  PutString("tenants/t2/c", "ccc");
  PutString("k", "kept");
  EXPECT_EQ(FilesOnDisk(),
            (std::vector<std::string>{"k", "k~sha256", "tenants/t2/c", "tenants/t2/c~sha256"}));
  ASSERT_TRUE(store_->Delete("tenants/t2/c").ok());
  EXPECT_FALSE(fs::exists(root_ / "tenants")) << "emptied prefixes are pruned, as in S3";
  EXPECT_EQ(FilesOnDisk(), (std::vector<std::string>{"k", "k~sha256"}));
}

TEST_F(FileObjectStoreTest, UploadsLeaveNoFilesBehind) {
  auto id = store_->BeginUpload("rec/a");
  ASSERT_TRUE(id.ok()) << id.status().message();
  std::istringstream part("hello");
  ASSERT_TRUE(store_->PutPart("rec/a", *id, 1, part, 100).ok());
  auto parts = store_->ListParts("rec/a", *id);
  ASSERT_TRUE(parts.ok());
  ASSERT_TRUE(store_->CompleteUpload("rec/a", *id, *parts).ok());
  EXPECT_TRUE(fs::is_empty(root_ / "~uploads"));
  EXPECT_EQ(store_->ListParts("rec/a", *id).status().kind(), ErrorKind::kNotFound);

  auto dropped = store_->BeginUpload("rec/b");
  ASSERT_TRUE(dropped.ok());
  std::istringstream again("bytes");
  ASSERT_TRUE(store_->PutPart("rec/b", *dropped, 1, again, 100).ok());
  EXPECT_TRUE(store_->AbortUpload("rec/b", *dropped).ok());
  EXPECT_TRUE(fs::is_empty(root_ / "~uploads"));
  // Upload ids are the store's own hex names: anything else is no upload, and touches nothing.
  std::istringstream x("x");
  EXPECT_EQ(store_->PutPart("rec/a", "../../etc", 1, x, 10).status().kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(store_->AbortUpload("rec/a", "../..").ok());
  EXPECT_TRUE(fs::exists(root_));
  EXPECT_EQ(FilesOnDisk(), (std::vector<std::string>{"rec/a", "rec/a~sha256"}));
}

TEST_F(FileObjectStoreTest, ProbeFailsWhenTheRootIsGone) {
  fs::remove_all(root_);
  EXPECT_FALSE(store_->Probe().ok());
}

TEST_F(FileObjectStoreTest, ReopeningSeesExistingObjectsAndHashesOnesPlacedByHand) {
  PutString("kept", "data");
  std::ofstream(root_ / "by-hand") << "no sidecar";
  Result<std::unique_ptr<FileObjectStore>> again = FileObjectStore::Open(root_.string() + "/");
  ASSERT_TRUE(again.ok());
  Result<ObjectInfo> head = (*again)->Head("kept");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sha256, Sha256Hex("data"));
  head = (*again)->Head("by-hand");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->size, 10);
  EXPECT_EQ(head->sha256, Sha256Hex("no sidecar"));
}

}  // namespace
}  // namespace minutes
