#include "storage/object_store.hpp"

#include <sys/statvfs.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>
#include <sstream>

namespace minutes {
namespace {

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '/' || c == '-';
}

// Keys end up in messages and logs: keep them short and printable there.
std::string Printable(const std::string& key) {
  std::string shown = key.substr(0, 80);
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return key.size() > shown.size() ? shown + "..." : shown;
}

Status BadKey(const std::string& key, const std::string& why) {
  return Status::BadInput("invalid object key '" + Printable(key) + "': " + why);
}

}  // namespace

Status ValidateObjectKey(const std::string& key) {
  if (key.empty()) return BadKey(key, "empty");
  if (key.size() > kMaxObjectKeyLength)
    return BadKey(key, "longer than " + std::to_string(kMaxObjectKeyLength) + " characters");
  for (char c : key)
    if (!IsKeyChar(c)) return BadKey(key, "only A-Z a-z 0-9 . _ / - are allowed");
  if (key.front() == '/') return BadKey(key, "leading '/'");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    const std::string component = key.substr(start, end - start);
    if (component.empty()) return BadKey(key, "empty path component");
    if (component == "." || component == "..") return BadKey(key, "'.' or '..' path component");
    start = end + 1;
  }
  return Status::Ok();
}

Status ValidatePartNumber(int number) {
  if (number < 1 || number > 10000)
    return Status::BadInput("part number " + std::to_string(number) + " is outside 1..10000");
  return Status::Ok();
}

namespace {
Status NoDirectUploads() {
  return Status::BadInput("this object store does not take direct (multipart) uploads");
}
}  // namespace

Result<std::string> ObjectStore::BeginUpload(const std::string&) { return NoDirectUploads(); }
std::string ObjectStore::PresignPart(const std::string&, const std::string&, int, int) const {
  return "";
}
Result<UploadedPart> ObjectStore::PutPart(const std::string&, const std::string&, int,
                                          std::istream&, int64_t) {
  return NoDirectUploads();
}
Result<std::vector<UploadedPart>> ObjectStore::ListParts(const std::string&, const std::string&) {
  return NoDirectUploads();
}
Result<ObjectInfo> ObjectStore::CompleteUpload(const std::string&, const std::string&,
                                               const std::vector<UploadedPart>&) {
  return NoDirectUploads();
}
Status ObjectStore::AbortUpload(const std::string&, const std::string&) { return Status::Ok(); }
std::string ObjectStore::PresignGet(const std::string&, int) const { return ""; }
std::string ObjectStore::S3Uri(const std::string&) const { return ""; }

bool VolumeSpace::Low(int min_free_mb, int min_free_percent) const {
  if (min_free_mb > 0 && available_bytes < static_cast<uint64_t>(min_free_mb) * 1024 * 1024)
    return true;
  return min_free_percent > 0 && total_bytes > 0 &&
         static_cast<double>(available_bytes) * 100 <
             static_cast<double>(total_bytes) * min_free_percent;
}

Result<VolumeSpace> MeasureVolume(const std::filesystem::path& dir) {
  struct statvfs st {};
  if (statvfs(dir.c_str(), &st) != 0)
    return Status::Io("cannot measure free space of " + dir.string() + ": " + std::strerror(errno));
  VolumeSpace v;
  v.dir = dir;
  v.available_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  v.total_bytes = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
  return v;
}

Status ObjectStore::Probe() {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  const std::string key =
      "_probe/" + std::to_string(rd()) + "-" + std::to_string(counter.fetch_add(1));
  const std::string payload = "minutes storage probe " + key;
  std::istringstream body(payload);
  Result<ObjectInfo> put = Put(key, body, static_cast<int64_t>(payload.size()));
  if (!put.ok()) return put.status();
  std::ostringstream read_back;
  Status got = Get(key, 0, -1, read_back);
  Status deleted = Delete(key);
  if (!got.ok()) return got;
  if (read_back.str() != payload)
    return Status::Io("storage probe read back different bytes than it wrote");
  return deleted;
}

}  // namespace minutes
