#include "audio/pcm_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace minutes {

Result<PcmSpool> PcmSpool::Create(const std::string& dir) {
  std::string d = dir;
  if (d.empty()) {
    const char* t = std::getenv("TMPDIR");
    d = (t && *t) ? t : "/tmp";
  }
  int fd = open(d.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string tmpl = d + "/minutes-pcm-XXXXXX";
    fd = mkstemp(tmpl.data());
    if (fd >= 0) unlink(tmpl.c_str());
  }
  if (fd < 0) return Status::Io("cannot create a temporary file in " + d + ": " + strerror(errno));
  return PcmSpool(fd);
}

PcmSpool::PcmSpool(PcmSpool&& o) noexcept : fd_(o.fd_), samples_(o.samples_) { o.fd_ = -1; }

PcmSpool& PcmSpool::operator=(PcmSpool&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    samples_ = o.samples_;
    o.fd_ = -1;
  }
  return *this;
}

PcmSpool::~PcmSpool() {
  if (fd_ >= 0) close(fd_);
}

Status PcmSpool::Append(std::span<const int16_t> samples) {
  const char* p = reinterpret_cast<const char*>(samples.data());
  size_t left = samples.size_bytes();
  off_t off = static_cast<off_t>(samples_) * 2;
  while (left > 0) {
    ssize_t n = pwrite(fd_, p, left, off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io(std::string("writing the audio spool failed: ") + strerror(errno));
    }
    p += n;
    off += n;
    left -= static_cast<size_t>(n);
  }
  samples_ += static_cast<int64_t>(samples.size());
  return Status::Ok();
}

Status PcmSpool::Read(int64_t start, int64_t end, std::vector<int16_t>* out) const {
  start = std::clamp<int64_t>(start, 0, samples_);
  end = std::clamp<int64_t>(end, start, samples_);
  out->resize(static_cast<size_t>(end - start));
  char* p = reinterpret_cast<char*>(out->data());
  size_t left = out->size() * 2;
  off_t off = static_cast<off_t>(start) * 2;
  while (left > 0) {
    ssize_t n = pread(fd_, p, left, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status::Io(std::string("reading the audio spool failed: ") + strerror(errno));
    p += n;
    off += n;
    left -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace minutes
