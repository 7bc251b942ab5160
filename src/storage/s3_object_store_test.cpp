// S3ObjectStore against a real S3-compatible server (s3rver, started per test suite).
#include "storage/s3_object_store.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <random>
#include <sstream>

#include "crypto/sha256.hpp"
#include "net/sigv4.hpp"
#include "s3_server.hpp"

namespace minutes {
namespace {
namespace fs = std::filesystem;
using testing::S3Server;

std::string Random(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class S3StoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new S3Server("media"); }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override {
    auto where = ParseS3Url(server_->Url("p1"));
    ASSERT_TRUE(where.ok()) << where.status().message();
    auto store = S3ObjectStore::Open(*where, {"S3RVER", "S3RVER", ""}, 5 << 20);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
  }
  ObjectInfo PutString(const std::string& key, const std::string& bytes) {
    std::istringstream in(bytes);
    auto put = store_->Put(key, in, 1 << 30);
    EXPECT_TRUE(put.ok()) << put.status().message();
    return put.ok() ? *put : ObjectInfo{};
  }
  std::string GetString(const std::string& key, int64_t offset = 0, int64_t length = -1) {
    std::ostringstream out;
    Status s = store_->Get(key, offset, length, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out.str();
  }
  // Every file s3rver holds for the bucket (objects, metadata, parts of unfinished uploads).
  size_t FilesOnServer() {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(server_->data_dir()))
      n += e.is_regular_file() ? 1 : 0;
    return n;
  }
  static S3Server* server_;
  std::unique_ptr<S3ObjectStore> store_;
};
S3Server* S3StoreTest::server_ = nullptr;

TEST_F(S3StoreTest, SmallObjectsRoundTripWithTheirHash) {
  std::string bytes = Random(100000, 1);
  ObjectInfo put = PutString("tenants/t1/a.wav", bytes);
  EXPECT_EQ(put.size, 100000);
  EXPECT_EQ(put.sha256, Sha256Hex(bytes));
  auto head = store_->Head("tenants/t1/a.wav");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->size, 100000);
  EXPECT_EQ(head->sha256, Sha256Hex(bytes));
  EXPECT_GT(head->modified.time_since_epoch().count(), 0);
  EXPECT_TRUE(GetString("tenants/t1/a.wav") == bytes);
  EXPECT_EQ(GetString("tenants/t1/a.wav", 10, 5), bytes.substr(10, 5));
  EXPECT_EQ(GetString("tenants/t1/a.wav", 99990), bytes.substr(99990));
  // Under the URL's prefix on the server: the bucket holds p1/tenants/t1/a.wav.
  EXPECT_TRUE(fs::exists(server_->data_dir() / "media" / "p1" / "tenants" / "t1"));
}

TEST_F(S3StoreTest, LargeObjectsGoUpInPartsAndKeepTheirHash) {
  std::string bytes = Random((12 << 20) + 12345, 2);  // three parts of 5 MiB
  ObjectInfo put = PutString("big/b.bin", bytes);
  EXPECT_EQ(put.size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(put.sha256, Sha256Hex(bytes));
  auto head = store_->Head("big/b.bin");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->sha256, Sha256Hex(bytes));
  EXPECT_EQ(head->size, static_cast<int64_t>(bytes.size()));
  EXPECT_TRUE(GetString("big/b.bin") == bytes);
  EXPECT_EQ(GetString("big/b.bin", (5 << 20) - 3, 7), bytes.substr((5 << 20) - 3, 7));
  auto listed = store_->List("big/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u) << "the hash sidecar is not an object";
  EXPECT_EQ((*listed)[0].key, "big/b.bin");
  ASSERT_TRUE(store_->Delete("big/b.bin").ok());
  EXPECT_EQ(store_->Head("big/b.bin").status().kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(store_->List("big/")->empty());
}

// Past the limit after parts went up: nothing is stored and the upload is aborted. (s3rver has
// no AbortMultipartUpload — it answers 405 and keeps the parts — so the test checks that the
// abort reached it; on S3 and MinIO the parts go away.)
TEST_F(S3StoreTest, OversizeUploadsAreAbortedAndStoreNothing) {
  std::string bytes = Random(11 << 20, 3);
  std::istringstream in(bytes);
  auto put = store_->Put("over/x.bin", in, 7 << 20);  // fails after the first part went up
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().kind(), ErrorKind::kTooLarge);
  EXPECT_NE(put.status().message().find("larger than"), std::string::npos);
  EXPECT_EQ(store_->Head("over/x.bin").status().kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(store_->List("over/")->empty());
  EXPECT_NE(server_->Log().find("over/x.bin?uploadId="), std::string::npos) << server_->Log();
}

TEST_F(S3StoreTest, ListsByPrefixSortedAndPastOnePage) {
  for (int i = 0; i < 1005; ++i) PutString("many/" + std::to_string(10000 + i), "x");
  PutString("other/y", "y");
  auto listed = store_->List("many/");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  ASSERT_EQ(listed->size(), 1005u);  // s3rver pages at 1000 keys
  EXPECT_EQ((*listed)[0].key, "many/10000");
  EXPECT_EQ(listed->back().key, "many/11004");
  EXPECT_EQ((*listed)[0].size, 1);
}

TEST_F(S3StoreTest, MissingObjectsAndBadRanges) {
  EXPECT_EQ(store_->Head("nope").status().kind(), ErrorKind::kNotFound);
  std::ostringstream out;
  EXPECT_EQ(store_->Get("nope", 0, -1, out).kind(), ErrorKind::kNotFound);
  EXPECT_TRUE(store_->Delete("nope").ok());
  PutString("r/ten", "0123456789");
  EXPECT_EQ(store_->Get("r/ten", 10, -1, out).kind(), ErrorKind::kBadInput);
  std::istringstream x("x");
  EXPECT_EQ(store_->Put("../x", x, 10).status().kind(), ErrorKind::kBadInput);
  EXPECT_TRUE(store_->Probe().ok());
}

TEST_F(S3StoreTest, PresignedUrlsWorkWithoutCredentials) {
  PutString("share/s.txt", "shared bytes");
  std::string url = store_->Presign("GET", "share/s.txt", 300);
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(url.rfind(server_->endpoint() + "/media/p1/share/s.txt?", 0), 0u) << url;
}

TEST_F(S3StoreTest, DirectUploadPartsJoinIntoAHashedObject) {
  auto id = store_->BeginUpload("direct/big.bin");
  ASSERT_TRUE(id.ok()) << id.status().message();
  std::string a = Random(5 << 20, 1), b = Random(12345, 2);
  std::string url = store_->PresignPart("direct/big.bin", *id, 2, 600);
  EXPECT_NE(url.find("partNumber=2"), std::string::npos) << url;
  EXPECT_NE(url.find("uploadId=" + *id), std::string::npos) << url;
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos) << url;
  std::istringstream in2(b), in1(a);
  auto p2 = store_->PutPart("direct/big.bin", *id, 2, in2, 1 << 30);
  auto p1 = store_->PutPart("direct/big.bin", *id, 1, in1, 1 << 30);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_FALSE(p1->etag.empty());
  auto info = store_->CompleteUpload("direct/big.bin", *id, {*p1, *p2});
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->size, static_cast<int64_t>(a.size() + b.size()));
  EXPECT_EQ(info->sha256, Sha256Hex(a + b));
  EXPECT_EQ(store_->Head("direct/big.bin")->sha256, Sha256Hex(a + b));
  EXPECT_EQ(GetString("direct/big.bin"), a + b);
  auto other = store_->BeginUpload("direct/dropped.bin");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(store_->AbortUpload("direct/dropped.bin", *other).ok());
  EXPECT_EQ(store_->Head("direct/dropped.bin").status().kind(), ErrorKind::kNotFound);
}

// The example response of ListParts in the S3 API reference (s3rver has no ListParts).
TEST(S3ListParts, ParsesTheDocumentedResponse) {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket>
  <Key>example-object</Key>
  <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
  <Initiator>
      <ID>arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx</ID>
      <DisplayName>umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx</DisplayName>
  </Initiator>
  <Owner>
    <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
    <DisplayName>someName</DisplayName>
  </Owner>
  <StorageClass>STANDARD</StorageClass>
  <PartNumberMarker>1</PartNumberMarker>
  <NextPartNumberMarker>3</NextPartNumberMarker>
  <MaxParts>2</MaxParts>
  <IsTruncated>true</IsTruncated>
  <Part>
    <PartNumber>2</PartNumber>
    <LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag>
    <Size>10485760</Size>
  </Part>
  <Part>
    <PartNumber>3</PartNumber>
    <LastModified>2010-11-10T20:48:33.000Z</LastModified>
    <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag>
    <Size>10485760</Size>
  </Part>
</ListPartsResult>)";
  auto parts = ParseListParts(xml);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].number, 2);
  EXPECT_EQ(parts[0].size, 10485760);
  EXPECT_EQ(parts[0].etag, "\"7778aef83f66abc1fa1e8477f296d394\"");
  EXPECT_EQ(parts[1].number, 3);
}

TEST_F(S3StoreTest, AnUnreachableEndpointIsUnavailable) {
  auto where = ParseS3Url("s3://media?endpoint=http://127.0.0.1:1&path_style=true");
  ASSERT_TRUE(where.ok());
  auto store = S3ObjectStore::Open(*where, {"a", "b", ""});
  ASSERT_TRUE(store.ok());
  auto head = (*store)->Head("x");
  EXPECT_EQ(head.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(head.status().message().find("127.0.0.1:1"), std::string::npos);
}

TEST(S3Url, AddressingStyles) {
  auto v = ParseS3Url("s3://my-bucket/rec/2026?region=eu-west-1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->scheme, "https");
  EXPECT_EQ(v->Host(), "my-bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(v->Path("a/b.wav"), "/rec/2026/a/b.wav");
  auto p = ParseS3Url("s3://my-bucket?endpoint=http://minio:9000&path_style=true");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Host(), "minio:9000");
  EXPECT_EQ(p->Path("a/b.wav"), "/my-bucket/a/b.wav");
  EXPECT_EQ(p->Path(""), "/my-bucket");
  auto tos = ParseS3Url("s3://b-1?endpoint=https://tos-s3-cn-beijing.volces.com&region=cn-beijing");
  ASSERT_TRUE(tos.ok());
  EXPECT_EQ(tos->Host(), "b-1.tos-s3-cn-beijing.volces.com");
}

TEST(S3Url, BadUrlsSayWhatIsWrong) {
  for (auto [url, words] : std::vector<std::pair<std::string, std::string>>{
           {"s3://B", "bucket name"},
           {"s3://bucket?endpoint=minio:9000", "endpoint"},
           {"s3://bucket?path_style=yes", "path_style"},
           {"s3://bucket?colour=red", "unknown parameter 'colour'"},
           {"s3://bucket/../x", "prefix"}}) {
    auto r = ParseS3Url(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
  }
  auto where = ParseS3Url("s3://bucket");
  auto store = S3ObjectStore::Open(*where, {"", "", ""});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

}  // namespace
}  // namespace minutes
