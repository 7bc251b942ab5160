#include "http/body_streams.hpp"

#include <cstring>
#include <stdexcept>

namespace minutes {
namespace {
constexpr size_t kBuffer = 64 * 1024;  // reads and writes at least this big go around it
}  // namespace

// Buffers are left uninitialised: a slow client's pages become resident only as bytes arrive.
SourceBuf::SourceBuf(BodySource& source) : source_(source), buf_(new char[kBuffer]) {
  setg(buf_.get(), buf_.get(), buf_.get());
}

SourceBuf::int_type SourceBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (failed_) throw std::runtime_error("the request body failed");
  std::ptrdiff_t got = source_.ReadBody(buf_.get(), kBuffer);
  // Throwing makes the istream set badbit: readers see a failed body, not a short one.
  if (got < 0) {
    failed_ = true;
    throw std::runtime_error("the request body failed");
  }
  if (got == 0) return traits_type::eof();
  setg(buf_.get(), buf_.get(), buf_.get() + got);
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
    } else if (n - done >= static_cast<std::streamsize>(kBuffer)) {
      if (failed_) throw std::runtime_error("the request body failed");
      std::ptrdiff_t got = source_.ReadBody(s + done, static_cast<size_t>(n - done));
      if (got < 0) {
        failed_ = true;
        throw std::runtime_error("the request body failed");
      }
      if (got == 0) break;
      done += got;
    } else if (underflow() == traits_type::eof()) {
      break;
    }
  }
  return done;
}

SinkBuf::SinkBuf(BodySink& sink) : sink_(sink), buf_(new char[kBuffer]) {
  setp(buf_.get(), buf_.get() + kBuffer);
}

bool SinkBuf::FlushBuffer() {
  size_t n = static_cast<size_t>(pptr() - pbase());
  if (n == 0) return !failed_;
  if (failed_ || !sink_.WriteBody(pbase(), n)) failed_ = true;
  setp(buf_.get(), buf_.get() + kBuffer);
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
  if (n >= static_cast<std::streamsize>(kBuffer)) {
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
