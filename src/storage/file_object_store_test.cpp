#include "storage/file_object_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <streambuf>
#include <thread>

#include "auth/password.hpp"
#include "storage/staged_file.hpp"

namespace minutes {
namespace {
namespace fs = std::filesystem;

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

/// An endless body: proves Put stops reading at the limit instead of buffering everything.
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

  ObjectInfo PutString(const std::string& key, const std::string& bytes) {
    std::istringstream body(bytes);
    Result<ObjectInfo> info = store_->Put(key, body, 1 << 30);
    EXPECT_TRUE(info.ok()) << info.status().message();
    return info.ok() ? info.value() : ObjectInfo{};
  }
  std::string GetString(const std::string& key, int64_t offset = 0, int64_t length = -1) {
    std::ostringstream out;
    Status s = store_->Get(key, offset, length, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out.str();
  }
  /// Every regular file under the root, staging and sidecars included.
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

TEST_F(FileObjectStoreTest, RoundTripsAMultiMebibyteBody) {
  const std::string bytes = RandomBytes(5 * 1024 * 1024 + 123, 1);
  ObjectInfo put = PutString("tenants/t1/objects/abc.m4a", bytes);
  EXPECT_EQ(put.key, "tenants/t1/objects/abc.m4a");
  EXPECT_EQ(put.size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(put.sha256, Sha256Hex(bytes));
  EXPECT_GT(put.modified.time_since_epoch().count(), 0);

  Result<ObjectInfo> head = store_->Head("tenants/t1/objects/abc.m4a");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->size, put.size);
  EXPECT_EQ(head->sha256, Sha256Hex(bytes));
  EXPECT_TRUE(GetString("tenants/t1/objects/abc.m4a") == bytes);
}

TEST_F(FileObjectStoreTest, EmptyBodyIsAnObject) {
  ObjectInfo put = PutString("empty", "");
  EXPECT_EQ(put.size, 0);
  EXPECT_EQ(put.sha256, Sha256Hex(""));
  EXPECT_EQ(GetString("empty"), "");
}

TEST_F(FileObjectStoreTest, OversizeBodyFailsAndLeavesNothing) {
  std::istringstream body(RandomBytes(300 * 1024, 2));
  Result<ObjectInfo> put = store_->Put("big", body, 200 * 1024);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().kind(), ErrorKind::kTooLarge);  // 413 at the API, by kind
  EXPECT_EQ(put.status().message(), "object larger than 204800 bytes");
  EXPECT_EQ(store_->Head("big").status().kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(FilesOnDisk().empty());

  EndlessBuf endless;
  std::istream forever(&endless);
  put = store_->Put("endless", forever, 1024 * 1024);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().message(), "object larger than 1048576 bytes");
  EXPECT_TRUE(FilesOnDisk().empty());
}

TEST_F(FileObjectStoreTest, OversizeReplacementKeepsTheOldObject) {
  PutString("k", "old");
  std::istringstream body("much too long");
  EXPECT_FALSE(store_->Put("k", body, 5).ok());
  EXPECT_EQ(GetString("k"), "old");
}

TEST_F(FileObjectStoreTest, BodyOfExactlyMaxBytesIsAccepted) {
  std::istringstream body("12345");
  EXPECT_TRUE(store_->Put("k", body, 5).ok());
}

TEST_F(FileObjectStoreTest, RangedGet) {
  PutString("r", "0123456789");
  EXPECT_EQ(GetString("r", 3, 4), "3456");
  EXPECT_EQ(GetString("r", 7, -1), "789");
  EXPECT_EQ(GetString("r", 7, 100), "789");
  EXPECT_EQ(GetString("r", 0, 0), "");
  for (int64_t offset : {10, 11, 1000}) {
    std::ostringstream out;
    Status s = store_->Get("r", offset, -1, out);
    EXPECT_EQ(s.kind(), ErrorKind::kBadInput) << offset;
    EXPECT_EQ(s.message(), "range not satisfiable");
    EXPECT_EQ(out.str(), "");
  }
  std::ostringstream out;
  EXPECT_EQ(store_->Get("r", -1, 2, out).kind(), ErrorKind::kBadInput);
  EXPECT_EQ(store_->Get("missing", 0, -1, out).kind(), ErrorKind::kNotFound);
}

TEST_F(FileObjectStoreTest, HeadDeleteAndListWithPrefixes) {
  PutString("tenants/t1/a", "a");
  PutString("tenants/t1/b", "bb");
  PutString("tenants/t2/c", "ccc");
  PutString("top", "t");

  Result<std::vector<ObjectInfo>> all = store_->List("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].key, "tenants/t1/a");
  EXPECT_EQ((*all)[2].key, "tenants/t2/c");
  EXPECT_EQ((*all)[2].size, 3);
  EXPECT_EQ((*all)[2].sha256, Sha256Hex("ccc"));
  EXPECT_EQ((*all)[3].key, "top");

  Result<std::vector<ObjectInfo>> t1 = store_->List("tenants/t1/");
  ASSERT_TRUE(t1.ok());
  ASSERT_EQ(t1->size(), 2u);
  EXPECT_EQ((*t1)[1].key, "tenants/t1/b");
  EXPECT_EQ(store_->List("tenants/t")->size(), 3u);  // plain string prefix, as in S3
  EXPECT_TRUE(store_->List("nope")->empty());

  EXPECT_EQ(store_->Head("tenants/t1").status().kind(), ErrorKind::kNotFound);  // a prefix only
  EXPECT_EQ(store_->Head("missing").status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(store_->Head("../x").status().kind(), ErrorKind::kBadInput);

  EXPECT_TRUE(store_->Delete("tenants/t2/c").ok());
  EXPECT_TRUE(store_->Delete("tenants/t2/c").ok());  // missing is fine
  EXPECT_EQ(store_->Head("tenants/t2/c").status().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(fs::exists(root_ / "tenants" / "t2"));  // emptied prefixes are pruned
  EXPECT_EQ(store_->List("")->size(), 3u);
}

TEST_F(FileObjectStoreTest, InvalidKeysNeverTouchTheDisk) {
  for (const std::string key : {"../x", "/abs", "a//b", "a/../b", ""}) {
    std::istringstream body("x");
    Result<ObjectInfo> put = store_->Put(key, body, 10);
    ASSERT_FALSE(put.ok()) << key;
    EXPECT_EQ(put.status().kind(), ErrorKind::kBadInput);
    std::ostringstream out;
    EXPECT_EQ(store_->Get(key, 0, -1, out).kind(), ErrorKind::kBadInput);
    EXPECT_EQ(store_->Delete(key).kind(), ErrorKind::kBadInput);
  }
  EXPECT_TRUE(FilesOnDisk().empty());
  EXPECT_FALSE(fs::exists(root_.parent_path() / "x"));
}

TEST_F(FileObjectStoreTest, ConcurrentPutsOfOneKeyLeaveOneCompleteObject) {
  const std::string first = RandomBytes(2 * 1024 * 1024, 3);
  const std::string second = RandomBytes(2 * 1024 * 1024, 4);
  for (int round = 0; round < 5; ++round) {
    std::thread a([&] { PutString("shared/key", first); });
    std::thread b([&] { PutString("shared/key", second); });
    a.join();
    b.join();
    const std::string stored = GetString("shared/key");
    EXPECT_TRUE(stored == first || stored == second);
    Result<ObjectInfo> head = store_->Head("shared/key");
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->sha256, Sha256Hex(stored));
  }
  EXPECT_EQ(FilesOnDisk(), (std::vector<std::string>{"shared/key", "shared/key~sha256"}));
}

TEST_F(FileObjectStoreTest, ProbeWorksAndLeavesNothing) {
  EXPECT_TRUE(store_->Probe().ok());
  EXPECT_TRUE(store_->Probe().ok());
  EXPECT_TRUE(FilesOnDisk().empty());
  EXPECT_FALSE(fs::exists(root_ / "_probe"));
  EXPECT_TRUE(store_->List("")->empty());
}

TEST_F(FileObjectStoreTest, ProbeFailsWhenTheRootIsGone) {
  fs::remove_all(root_);
  EXPECT_FALSE(store_->Probe().ok());
}

TEST_F(FileObjectStoreTest, ReopeningSeesExistingObjects) {
  PutString("kept", "data");
  Result<std::unique_ptr<FileObjectStore>> again = FileObjectStore::Open(root_.string() + "/");
  ASSERT_TRUE(again.ok());
  Result<ObjectInfo> head = (*again)->Head("kept");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sha256, Sha256Hex("data"));
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

class FileUploadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("minutes_uploads_" + std::to_string(getpid()));
    fs::remove_all(root_);
    store_ = std::move(FileObjectStore::Open(root_)).value();
  }
  void TearDown() override { fs::remove_all(root_); }
  Result<UploadedPart> Part(const std::string& id, int n, const std::string& bytes) {
    std::istringstream in(bytes);
    return store_->PutPart("rec/a", id, n, in, 1 << 20);
  }
  fs::path root_;
  std::unique_ptr<FileObjectStore> store_;
};

TEST_F(FileUploadsTest, PartsInAnyOrderResentAndJoined) {
  auto id = store_->BeginUpload("rec/a");
  ASSERT_TRUE(id.ok()) << id.status().message();
  ASSERT_TRUE(Part(*id, 2, "world").ok());
  ASSERT_TRUE(Part(*id, 1, "hullo ").ok());
  auto again = Part(*id, 1, "hello ");  // sent again: replaces
  ASSERT_TRUE(again.ok());
  auto listed = store_->ListParts("rec/a", *id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].number, 1);
  EXPECT_EQ((*listed)[0].etag, again->etag);
  EXPECT_EQ((*listed)[1].size, 5);
  EXPECT_TRUE(store_->List("")->empty()) << "parts are not objects";
  auto info = store_->CompleteUpload("rec/a", *id, *listed);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->size, 11);
  std::ostringstream out;
  ASSERT_TRUE(store_->Get("rec/a", 0, -1, out).ok());
  EXPECT_EQ(out.str(), "hello world");
  EXPECT_EQ(store_->Head("rec/a")->sha256, info->sha256);
  EXPECT_EQ(store_->ListParts("rec/a", *id).status().kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(fs::is_empty(root_ / "~uploads"));
}

TEST_F(FileUploadsTest, MissingChangedOrOversizePartsAreRefused) {
  auto id = store_->BeginUpload("rec/a");
  ASSERT_TRUE(id.ok());
  auto p1 = Part(*id, 1, "abc");
  ASSERT_TRUE(p1.ok());
  auto missing = store_->CompleteUpload("rec/a", *id, {*p1, {2, 0, ""}});
  EXPECT_EQ(missing.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(missing.status().message().find("part 2 was not uploaded"), std::string::npos);
  auto changed = store_->CompleteUpload("rec/a", *id, {{1, 0, "\"0000\""}});
  EXPECT_NE(changed.status().message().find("has changed"), std::string::npos);
  std::istringstream big(std::string(2 << 20, 'x'));
  EXPECT_EQ(store_->PutPart("rec/a", *id, 2, big, 1 << 20).status().kind(), ErrorKind::kTooLarge);
  EXPECT_EQ(Part(*id, 0, "x").status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(Part("../../etc", 1, "x").status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(Part("0123abcd", 1, "x").status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(store_->Head("rec/a").status().kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(store_->AbortUpload("rec/a", *id).ok());
  EXPECT_TRUE(fs::is_empty(root_ / "~uploads"));
  EXPECT_TRUE(store_->AbortUpload("rec/a", "../..").ok()) << "nothing outside is touched";
  EXPECT_TRUE(fs::exists(root_));
}

}  // namespace
}  // namespace minutes
