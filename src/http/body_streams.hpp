#pragma once
// The istream a handler reads its request body from and the ostream it writes a streamed
// response to, over whatever moves the bytes (the connection, which suspends the handler's
// fiber while the network is slow). Large reads and writes bypass the stream buffer.
#include <cstddef>
#include <istream>
#include <memory>
#include <ostream>
#include <streambuf>
#include <vector>

namespace minutes {

/// Where request body bytes come from. One read at a time; it may be started early, so the
/// network fills the next buffer while the reader works on the last one.
class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Starts reading up to `n` bytes into `dst` (which must stay valid until the read is
  /// collected or abandoned).
  virtual void StartRead(char* dst, size_t n) = 0;
  /// Waits for the started read: bytes read, 0 at the end of the body, -1 on a failure (client
  /// gone, idle timeout, malformed chunking; the source remembers why).
  virtual std::ptrdiff_t CollectRead() = 0;
  /// The reader is done and will not collect the started read: `keep` (owning its buffer) is
  /// held until the read ends. No effect when no read is outstanding.
  virtual void AbandonRead(std::shared_ptr<void> keep) = 0;
  /// Up to `n` bytes into `dst` now: StartRead + CollectRead.
  std::ptrdiff_t ReadBody(char* dst, size_t n) {
    StartRead(dst, n);
    return CollectRead();
  }
};

/// Where streamed response bytes go.
class BodySink {
 public:
  virtual ~BodySink() = default;
  /// Writes all `n` bytes; false when the client is gone (nothing more will be written).
  virtual bool WriteBody(const char* data, size_t n) = 0;
};

/// Reads ahead: while the reader works on one buffer, the next is being filled.
class SourceBuf : public std::streambuf {
 public:
  explicit SourceBuf(BodySource& source);
  ~SourceBuf() override;
  SourceBuf(const SourceBuf&) = delete;
  SourceBuf& operator=(const SourceBuf&) = delete;

 protected:
  int_type underflow() override;
  std::streamsize xsgetn(char* s, std::streamsize n) override;

 private:
  BodySource& source_;
  std::shared_ptr<char[]> bufs_[2];
  int current_ = 0;       // bufs_[current_] is the get area; the other is being filled
  bool pending_ = false;  // a read into the other buffer is outstanding
  bool ended_ = false, failed_ = false;
};

class SinkBuf : public std::streambuf {
 public:
  explicit SinkBuf(BodySink& sink);

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool FlushBuffer();
  BodySink& sink_;
  std::unique_ptr<char[]> buf_;
  bool failed_ = false;
};

/// An istream over a BodySource (badbit when the body fails).
class SourceStream : public std::istream {
 public:
  explicit SourceStream(BodySource& source) : std::istream(nullptr), buf_(source) { rdbuf(&buf_); }

 private:
  SourceBuf buf_;
};

/// An ostream over a BodySink (badbit when the client is gone). flush() sends what is buffered.
class SinkStream : public std::ostream {
 public:
  explicit SinkStream(BodySink& sink) : std::ostream(nullptr), buf_(sink) { rdbuf(&buf_); }

 private:
  SinkBuf buf_;
};

}  // namespace minutes
