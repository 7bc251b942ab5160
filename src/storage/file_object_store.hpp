#pragma once
// ObjectStore on a local directory: one file per object, keys map to relative paths.
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>

#include "storage/object_store.hpp"

namespace minutes {

/// Stores each object as `<root>/<key>` with its SHA-256 in a `<key>~sha256` sidecar. Bodies are
/// staged in `<root>/~staging/` and renamed into place, so objects appear atomically. Names with
/// '~' can never be keys, so staging and sidecars never collide with objects. Thread-safe within
/// one process; a key cannot be both an object and a "directory" of other keys ("a" and "a/b").
class FileObjectStore final : public ObjectStore {
 public:
  /// Opens (creating when missing) the store rooted at `root`; Io when it cannot be created.
  static Result<std::unique_ptr<FileObjectStore>> Open(const std::filesystem::path& root);

  /// The directory this store lives in.
  const std::filesystem::path& root() const { return root_; }

  Result<ObjectInfo> Put(const std::string& key, std::istream& body, int64_t max_bytes) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  Status Get(const std::string& key, int64_t offset, int64_t length, std::ostream& out) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Result<int> SweepIncomplete(std::chrono::system_clock::time_point older_than) override;

  /// Parts live in `<root>/~uploads/<upload id>/<number>` until joined.
  Result<std::string> BeginUpload(const std::string& key) override;
  Result<UploadedPart> PutPart(const std::string& key, const std::string& upload_id, int number,
                               std::istream& body, int64_t max_bytes) override;
  Result<std::vector<UploadedPart>> ListParts(const std::string& key,
                                              const std::string& upload_id) override;
  Result<ObjectInfo> CompleteUpload(const std::string& key, const std::string& upload_id,
                                    const std::vector<UploadedPart>& parts) override;
  Status AbortUpload(const std::string& key, const std::string& upload_id) override;
  std::filesystem::path LocalDirectory() const override { return root_; }

 private:
  explicit FileObjectStore(std::filesystem::path root) : root_(std::move(root)) {}
  Result<ObjectInfo> HeadLocked(const std::string& key);
  Result<std::filesystem::path> UploadDir(const std::string& upload_id) const;

  const std::filesystem::path root_;
  // Exclusive while objects are renamed into place or removed, shared while looked up; body
  // streaming (in and out) happens outside it.
  std::shared_mutex mutex_;
};

}  // namespace minutes
