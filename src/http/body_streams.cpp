#include "http/body_streams.hpp"

#include <cstring>
#include <stdexcept>

namespace minutes {
namespace {
// Reads at least this big go around the buffer; one read takes what has arrived, up to this.
constexpr size_t kBuffer = 1024 * 1024;
// Writes at least this big go around the buffer (a streamed response holds one).
constexpr size_t kSinkBuffer = 64 * 1024;
}  // namespace

// Buffers are made at the first read (most requests have no streamed body) and left
// uninitialised: a slow client's pages become resident only as bytes arrive.
SourceBuf::SourceBuf(BodySource& source) : source_(source) {}

SourceBuf::~SourceBuf() {
  if (pending_) source_.AbandonRead(bufs_[1 - current_]);
}

SourceBuf::int_type SourceBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (failed_) throw std::runtime_error("the request body failed");
  if (ended_) return traits_type::eof();
  if (!bufs_[0])
    for (auto& buf : bufs_) buf = std::shared_ptr<char[]>(new char[kBuffer]);
  int next = 1 - current_;
  if (!pending_) source_.StartRead(bufs_[next].get(), kBuffer);
  std::ptrdiff_t got = source_.CollectRead();
  pending_ = false;
  // Throwing makes the istream set badbit: readers see a failed body, not a short one.
  if (got < 0) {
    failed_ = true;
    throw std::runtime_error("the request body failed");
  }
  if (got == 0) {
    ended_ = true;
    return traits_type::eof();
  }
  current_ = next;
  char* b = bufs_[current_].get();
  setg(b, b, b + got);
  // Read ahead into the buffer just handed out last time: the reader is done with it.
  source_.StartRead(bufs_[1 - current_].get(), kBuffer);
  pending_ = true;
  return traits_type::to_int_type(*gptr());
}

std::streamsize SourceBuf::xsgetn(char* s, std::streamsize n) {
  std::streamsize done = 0;
  while (done < n) {
    if (gptr() < egptr()) {
      std::streamsize take = std::min<std::streamsize>(n - done, egptr() - gptr());
      std::memcpy(s + done, gptr(), static_cast<size_t>(take));
      gbump(static_cast<int>(take));
      done += take;
    } else if (underflow() == traits_type::eof()) {
      break;
    }
  }
  return done;
}

SinkBuf::SinkBuf(BodySink& sink) : sink_(sink), buf_(new char[kSinkBuffer]) {
  setp(buf_.get(), buf_.get() + kSinkBuffer);
}

bool SinkBuf::FlushBuffer() {
  size_t n = static_cast<size_t>(pptr() - pbase());
  if (n == 0) return !failed_;
  if (failed_ || !sink_.WriteBody(pbase(), n)) failed_ = true;
  setp(buf_.get(), buf_.get() + kSinkBuffer);
  return !failed_;
}

SinkBuf::int_type SinkBuf::overflow(int_type c) {
  if (!FlushBuffer()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

std::streamsize SinkBuf::xsputn(const char* s, std::streamsize n) {
  if (n >= static_cast<std::streamsize>(kSinkBuffer)) {
    if (!FlushBuffer()) return 0;
    if (!sink_.WriteBody(s, static_cast<size_t>(n))) {
      failed_ = true;
      return 0;
    }
    return n;
  }
  return std::streambuf::xsputn(s, n);
}

int SinkBuf::sync() { return FlushBuffer() ? 0 : -1; }

}  // namespace minutes
