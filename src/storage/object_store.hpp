#pragma once
// Object storage behind an interface shaped like S3: flat keys, whole-object puts, ranged gets.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// The suffix of the sidecar that keeps an object's SHA-256 beside it (`KEY~sha256`), in every
/// store, so that `migrate-files` and listings treat sidecars alike.
inline constexpr const char* kShaSidecarSuffix = "~sha256";

/// What the store knows about one stored object.
struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  std::string sha256;  ///< lowercase hex SHA-256 of the whole object
  std::chrono::system_clock::time_point modified;
};

/// One part of a direct (multipart) upload as the store has it.
struct UploadedPart {
  int number = 0;  ///< 1..10000
  int64_t size = 0;
  std::string etag;
};

/// Longest key accepted by ValidateObjectKey (and by every ObjectStore).
inline constexpr size_t kMaxObjectKeyLength = 512;

/// Ok when `key` is 1..512 characters of [A-Za-z0-9._/-] with no leading '/', no empty
/// component and no '.' or '..' component, so a key can never name a path outside the store.
/// Otherwise BadInput naming the key.
Status ValidateObjectKey(const std::string& key);

/// Ok when `number` is a part number S3 takes (1..10000); otherwise BadInput.
Status ValidatePartNumber(int number);

/// A bucket of objects addressed by key. Implementations are thread-safe: every method may be
/// called concurrently from any thread. Streams passed in stay owned by the caller. Every method
/// taking a key refuses one ValidateObjectKey refuses with BadInput, touching nothing.
/// object_store_contract_test.cpp checks these promises against every implementation.
class ObjectStore {
 public:
  ObjectStore() = default;
  virtual ~ObjectStore() = default;
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  /// Stores `body` under `key`, replacing any previous object. The body is streamed in chunks
  /// (never held whole in memory) while its size and SHA-256 are computed. The object appears
  /// atomically: readers see the old object or the complete new one, never a partial one. A body
  /// longer than `max_bytes` fails with TooLarge "object larger than N bytes" and stores nothing
  /// (the old object stays).
  virtual Result<ObjectInfo> Put(const std::string& key, std::istream& body, int64_t max_bytes) = 0;

  /// Size, hash and modification time of `key`; NotFound when there is no such object.
  virtual Result<ObjectInfo> Head(const std::string& key) = 0;

  /// Writes `length` bytes of `key` starting at `offset` to `out`, and no others (`length` -1
  /// or past the end: up to the end). NotFound when missing; BadInput "range not satisfiable"
  /// when `offset` is negative or lies at or past the end of a non-empty object (or past 0 for
  /// an empty one).
  virtual Status Get(const std::string& key, int64_t offset, int64_t length, std::ostream& out) = 0;

  /// Removes `key`; deleting a key that does not exist is ok.
  virtual Status Delete(const std::string& key) = 0;

  /// Every object whose key starts with `prefix` (plain string prefix, "" for all), sorted by key.
  /// `sha256` is "" where the store cannot list hashes (S3: Head has it).
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;

  /// Removes the pieces of uploads that never finished (a crashed process's staged files)
  /// begun before `older_than`; how many were removed. Stores that keep none return 0 (for S3,
  /// give the bucket an AbortIncompleteMultipartUpload lifecycle rule).
  virtual Result<int> SweepIncomplete(std::chrono::system_clock::time_point older_than) {
    (void)older_than;
    return 0;
  }
  // Direct uploads: the client sends an object's parts itself (to presigned URLs where the
  // store has them, else through the API), then they are joined into the object. Stores
  // without them answer BadInput.

  /// Starts a multipart upload of `key`; returns its upload id.
  virtual Result<std::string> BeginUpload(const std::string& key);
  /// A URL the client PUTs part `number` to for `expires_s` seconds; "" when the store has no
  /// presigned URLs (the API then takes the part and calls PutPart).
  virtual std::string PresignPart(const std::string& key, const std::string& upload_id, int number,
                                  int expires_s) const;
  /// Stores part `number` (sending it again replaces it); BadInput for a number outside
  /// 1..10000, TooLarge past `max_bytes`, NotFound for an unknown upload.
  virtual Result<UploadedPart> PutPart(const std::string& key, const std::string& upload_id,
                                       int number, std::istream& body, int64_t max_bytes);
  /// The parts received so far, by number.
  virtual Result<std::vector<UploadedPart>> ListParts(const std::string& key,
                                                      const std::string& upload_id);
  /// Joins `parts` (ascending numbers) into the object `key` and returns its size and SHA-256;
  /// the upload is gone afterwards. BadInput (the client's mistake) for no parts, parts out of
  /// order, or a part that was not uploaded or whose ETag differs.
  virtual Result<ObjectInfo> CompleteUpload(const std::string& key, const std::string& upload_id,
                                            const std::vector<UploadedPart>& parts);
  /// Drops the upload and every part of it; an unknown upload is ok.
  virtual Status AbortUpload(const std::string& key, const std::string& upload_id);
  /// A URL anyone can GET `key` from for `expires_s` seconds; "" when the store has none.
  virtual std::string PresignGet(const std::string& key, int expires_s) const;
  /// "s3://bucket/key" (with the store's prefix) for services that read S3 themselves (Amazon
  /// Transcribe); "" when the store is not S3.
  virtual std::string S3Uri(const std::string& key) const;

  /// Readiness check: writes, reads back and deletes a small probe object under "_probe/".
  /// Leaves nothing behind when it succeeds.
  virtual Status Probe();
  /// The local directory objects are written to, for watching its free space; empty when the
  /// store is not on a local file system.
  virtual std::filesystem::path LocalDirectory() const { return {}; }
};

/// Free space of the volume holding `dir`.
struct VolumeSpace {
  std::filesystem::path dir;
  uint64_t available_bytes = 0;  ///< for this (unprivileged) process
  uint64_t total_bytes = 0;
  /// Whether it is below `min_free_mb` MiB or `min_free_percent` % of the volume (0 = off).
  bool Low(int min_free_mb, int min_free_percent) const;
};

/// Measures the volume holding `dir` (statvfs); Io when it cannot.
Result<VolumeSpace> MeasureVolume(const std::filesystem::path& dir);

/// Opens the store named by `url`: "file:///abs/dir" or "file://relative/dir" (the directory is
/// created when missing), or "s3://bucket/prefix?endpoint=…&region=…&path_style=true|false"
/// with credentials from the AWS_* environment (S3ObjectStore). Anything else is BadInput.
/// `access_key`/`secret_key`, when given, are the S3 credentials instead of the environment's.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url,
                                                     const std::string& access_key = "",
                                                     const std::string& secret_key = "");

}  // namespace minutes
