#include "storage/file_object_store.hpp"
#include "storage/object_store.hpp"
#include "storage/s3_object_store.hpp"

namespace minutes {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url,
                                                     const std::string& access_key,
                                                     const std::string& secret_key) {
  static const std::string kFile = "file://";
  if (url.rfind(kFile, 0) == 0) {
    // "file:///abs/dir" leaves "/abs/dir"; "file://relative/dir" leaves "relative/dir".
    const std::string dir = url.substr(kFile.size());
    if (dir.empty()) return Status::BadInput("object store URL '" + url + "' names no directory");
    Result<std::unique_ptr<FileObjectStore>> store = FileObjectStore::Open(dir);
    if (!store.ok()) return store.status();
    return std::unique_ptr<ObjectStore>(std::move(store).value());
  }
  if (url.rfind("s3://", 0) == 0) {
    auto where = ParseS3Url(url);
    if (!where.ok()) return where.status();
    AwsCredentials creds = AwsCredentialsFromEnv();
    if (!access_key.empty() || !secret_key.empty()) creds = {access_key, secret_key, ""};
    auto store = S3ObjectStore::Open(*where, creds);
    if (!store.ok()) return store.status();
    return std::unique_ptr<ObjectStore>(std::move(store).value());
  }
  return Status::BadInput(
      "unsupported object store URL '" + url +
      "' (expected file:///abs/dir, file://relative/dir or s3://bucket/prefix?endpoint=…)");
}

}  // namespace minutes
