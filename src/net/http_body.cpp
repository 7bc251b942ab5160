#include "net/http_body.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace minutes {

HttpBodySource BodyFromMemory(std::string_view body) {
  HttpBodySource s;
  s.size = static_cast<int64_t>(body.size());
  auto sent = std::make_shared<size_t>(0);
  s.read = [body, sent](char* buf, size_t max) -> Result<size_t> {
    size_t take = std::min(max, body.size() - *sent);
    std::memcpy(buf, body.data() + *sent, take);
    *sent += take;
    return take;
  };
  s.rewind = [sent] {
    *sent = 0;
    return true;
  };
  return s;
}

Result<HttpBodySource> BodyFromFile(const std::string& path, int64_t offset, int64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string why = std::strerror(errno);
    if (errno == ENOENT) return Status::NotFound(path + " is not there");
    return Status::Io("cannot open " + path + ": " + why);
  }
  // Shared: std::function copies its callable, and the descriptor must close exactly once.
  auto file = std::shared_ptr<int>(new int(fd), [](int* f) {
    ::close(*f);
    delete f;
  });
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::Io("cannot stat " + path + ": " + std::strerror(errno));
  const int64_t file_size = st.st_size;
  if (offset < 0 || offset > file_size || (length >= 0 && offset + length > file_size))
    return Status::BadInput("bytes " + std::to_string(offset) + "+" + std::to_string(length) +
                            " are not inside " + path + " (" + std::to_string(file_size) +
                            " bytes)");
  HttpBodySource s;
  s.size = length >= 0 ? length : file_size - offset;
  struct Cursor {
    int64_t at, left;
  };
  auto cursor = std::make_shared<Cursor>(Cursor{offset, s.size});
  s.read = [file, path, cursor](char* buf, size_t max) -> Result<size_t> {
    auto& [at, left] = *cursor;
    size_t want = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(max)));
    if (want == 0) return size_t{0};
    ssize_t got;
    do {
      got = ::pread(*file, buf, want, at);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return Status::Io("reading " + path + " failed: " + std::strerror(errno));
    if (got == 0) return Status::Io(path + " became shorter while it was being sent");
    at += got;
    left -= got;
    return static_cast<size_t>(got);
  };
  s.rewind = [cursor, offset, size = s.size] {
    *cursor = Cursor{offset, size};
    return true;
  };
  return s;
}

HttpBodySink SinkTo(std::ostream& out, std::string what_failed) {
  return [&out, what_failed = std::move(what_failed)](std::string_view piece) {
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    return out ? Status::Ok() : Status::Io(what_failed);
  };
}

}  // namespace minutes
