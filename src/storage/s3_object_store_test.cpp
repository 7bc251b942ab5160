// S3ObjectStore's URLs, replies and errors. What every store does, S3 included, is in
// object_store_contract_test.cpp (on s3rver).
#include "storage/s3_object_store.hpp"

#include <Poco/Net/HTTPServerResponse.h>
#include <gtest/gtest.h>

#include <sstream>
#include <tuple>

#include "fake_http_server.hpp"

namespace minutes {
namespace {
using testing::FakeHttpServer;
using testing::ReceivedRequest;

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

TEST(S3Store, AnUnreachableEndpointIsUnavailable) {
  auto where = ParseS3Url("s3://media?endpoint=http://127.0.0.1:1&path_style=true");
  ASSERT_TRUE(where.ok());
  auto store = S3ObjectStore::Open(*where, {"a", "b", ""});
  ASSERT_TRUE(store.ok());
  auto head = (*store)->Head("x");
  EXPECT_EQ(head.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(head.status().message().find("127.0.0.1:1"), std::string::npos);
}

// A server may ignore Range and send the whole object (RFC 9110 lets it): Get still writes
// only the bytes asked for.
TEST(S3Store, RangesAreCutFromTheWholeObjectOfAServerThatIgnoresRange) {
  FakeHttpServer server([](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.send() << "0123456789";
  });
  auto where = ParseS3Url("s3://media?endpoint=" + server.Url() + "&path_style=true");
  ASSERT_TRUE(where.ok());
  auto store = S3ObjectStore::Open(*where, {"a", "b", ""});
  ASSERT_TRUE(store.ok());
  for (auto [offset, length, want] : std::vector<std::tuple<int64_t, int64_t, std::string>>{
           {3, 4, "3456"}, {0, 1, "0"}, {7, -1, "789"}, {0, -1, "0123456789"}}) {
    std::ostringstream out;
    ASSERT_TRUE((*store)->Get("k", offset, length, out).ok());
    EXPECT_EQ(out.str(), want) << offset << ", " << length;
  }
  EXPECT_EQ(server.Received()[0].header("range"), "bytes=3-6");
}

// S3's own error codes decide, never its messages: the parts a client names that S3 will not
// join are the client's mistake (400 at the API), as they are in the file store.
TEST(S3Store, CompleteUploadRefusalsAreTheClientsMistakesByTheirCode) {
  std::string code = "InvalidPart", status = "400";
  FakeHttpServer server([&](const ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
    res.setStatus(status);
    res.setContentType("application/xml");
    res.send() << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" << code
               << "</Code><Message>One or more of the specified parts could not be found. The "
                  "part might not have been uploaded.</Message><RequestId>4442587FB7D0A2F9"
                  "</RequestId></Error>";
  });
  auto where = ParseS3Url("s3://media?endpoint=" + server.Url() + "&path_style=true");
  ASSERT_TRUE(where.ok());
  auto store = S3ObjectStore::Open(*where, {"a", "b", ""});
  ASSERT_TRUE(store.ok());
  auto complete = [&] { return (*store)->CompleteUpload("k", "up", {{1, 5, "\"e1\""}}).status(); };
  for (const char* mistake : {"InvalidPart", "InvalidPartOrder", "EntityTooSmall"}) {
    code = mistake;
    Status s = complete();
    EXPECT_EQ(s.kind(), ErrorKind::kBadInput) << s.message();
    EXPECT_EQ(s.code(), mistake);
  }
  code = "AccessDenied", status = "403";
  EXPECT_EQ(complete().kind(), ErrorKind::kIo);
  EXPECT_EQ(complete().code(), "AccessDenied");
  // S3 may answer 200 and fail after all, in the body; an InternalError is worth retrying.
  code = "InternalError", status = "200";
  Status s = complete();
  EXPECT_EQ(s.kind(), ErrorKind::kUnavailable) << s.message();
  EXPECT_EQ(s.code(), "InternalError");
  code = "NoSuchUpload", status = "404";
  EXPECT_EQ(complete().kind(), ErrorKind::kNotFound);
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
