#pragma once
// A request body with a Content-Length, read straight from the connection's socket.
//
// POCO's own body stream receives at most 4 KiB per call (HTTPBufferAllocator::BUFFER_SIZE): a
// system call and a stream underflow per 4 KiB, a quarter of a million of them for a 1 GB
// upload. This stream hands large reads to recv() directly into the caller's buffer, after first
// returning the bytes POCO's session had already buffered along with the headers. It never reads
// past the body, so the next request on a kept-alive connection is untouched.
#include <Poco/Buffer.h>
#include <Poco/Net/HTTPServerRequestImpl.h>

#include <cstdint>
#include <istream>
#include <streambuf>
#include <vector>

namespace minutes {

class SocketBodyBuf : public std::streambuf {
 public:
  SocketBodyBuf(Poco::Net::HTTPServerRequestImpl& request, int64_t length);

 protected:
  int_type underflow() override;
  std::streamsize xsgetn(char* s, std::streamsize n) override;

 private:
  /// Up to `n` bytes of the body into `s`: 0 at the end of the body or when the peer closed.
  std::streamsize Receive(char* s, std::streamsize n);

  Poco::Net::StreamSocket& socket_;
  Poco::Buffer<char> buffered_{0};  ///< what the session had read past the headers
  size_t buffered_pos_ = 0;
  int64_t left_;             ///< body bytes not yet handed out (buffered_ included)
  std::vector<char> small_;  ///< the get area for reads smaller than kDirect
};

/// The istream routes read; see SocketBodyBuf.
class SocketBody {
 public:
  SocketBody(Poco::Net::HTTPServerRequestImpl& request, int64_t length)
      : buf_(request, length), stream_(&buf_) {}
  std::istream& stream() { return stream_; }

 private:
  SocketBodyBuf buf_;
  std::istream stream_;
};

}  // namespace minutes
