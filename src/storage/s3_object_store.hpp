#pragma once
// Objects in an S3-compatible bucket (AWS S3, MinIO, Volcano Engine TOS, Aliyun OSS, …) over
// libcurl with SigV4. Bodies larger than one part go up as a multipart upload (aborted on any
// failure, so no orphan parts are left); the SHA-256 of a single-request object is its
// x-amz-meta-sha256, that of a multipart object a "<key>~sha256" sidecar (metadata must be
// given before the body has been read, the hash only exists after).
#include <memory>
#include <string>

#include "net/sigv4.hpp"
#include "storage/object_store.hpp"

namespace minutes {

/// Where a store's objects live, from "s3://bucket/prefix?endpoint=…&region=…&path_style=…".
struct S3Location {
  std::string bucket;
  std::string prefix;  ///< "" or "some/prefix/" (always ending in '/')
  std::string scheme = "https";
  std::string endpoint_host;  ///< "s3.us-east-1.amazonaws.com", "127.0.0.1:9000"
  std::string region = "us-east-1";
  bool path_style = false;

  /// The Host header for requests: "bucket.endpoint" (virtual-hosted) or the endpoint.
  std::string Host() const;
  /// The raw (unencoded) path of `key`: "/prefix/key" or "/bucket/prefix/key"; "" = the bucket.
  std::string Path(const std::string& key) const;
};

/// Parses an s3:// URL. Without `endpoint` the store is AWS's regional endpoint over https;
/// `region` defaults to $AWS_REGION, else us-east-1.
Result<S3Location> ParseS3Url(const std::string& url);

/// Credentials from $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY / $AWS_SESSION_TOKEN.
AwsCredentials AwsCredentialsFromEnv();

/// The parts of a ListParts response page.
std::vector<UploadedPart> ParseListParts(const std::string& xml);

class S3ObjectStore : public ObjectStore {
 public:
  static constexpr int64_t kDefaultPartBytes = 8 << 20;
  /// `part_bytes` (>= 5 MiB, S3's minimum) is both the multipart threshold and the part size;
  /// List asks for `list_page_keys` (1..1000, S3's most) keys a request.
  static Result<std::unique_ptr<S3ObjectStore>> Open(S3Location where, AwsCredentials creds,
                                                     int64_t part_bytes = kDefaultPartBytes,
                                                     int list_page_keys = 1000);
  ~S3ObjectStore() override;

  Result<ObjectInfo> Put(const std::string& key, std::istream& body, int64_t max_bytes) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  Status Get(const std::string& key, int64_t offset, int64_t length, std::ostream& out) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;

  /// A URL anyone can GET (or PUT, with `method`) `key` at for `expires_s` seconds.
  std::string Presign(const std::string& method, const std::string& key, int expires_s,
                      const std::vector<std::pair<std::string, std::string>>& query = {}) const;

  Result<std::string> BeginUpload(const std::string& key) override;
  /// A presigned UploadPart URL.
  std::string PresignPart(const std::string& key, const std::string& upload_id, int number,
                          int expires_s) const override;
  Result<UploadedPart> PutPart(const std::string& key, const std::string& upload_id, int number,
                               std::istream& body, int64_t max_bytes) override;
  /// ListParts, every page.
  Result<std::vector<UploadedPart>> ListParts(const std::string& key,
                                              const std::string& upload_id) override;
  /// CompleteMultipartUpload, then the object is read back once to hash it (its sidecar).
  Result<ObjectInfo> CompleteUpload(const std::string& key, const std::string& upload_id,
                                    const std::vector<UploadedPart>& parts) override;
  Status AbortUpload(const std::string& key, const std::string& upload_id) override;
  std::string PresignGet(const std::string& key, int expires_s) const override {
    return Presign("GET", key, expires_s);
  }
  std::string S3Uri(const std::string& key) const override;

  struct Impl;

 private:
  explicit S3ObjectStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace minutes
