#include "api/socket_body.hpp"

#include <Poco/Net/HTTPServerSession.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace minutes {
namespace {
// Reads at least this big go straight into the caller's buffer; smaller ones through small_.
constexpr std::streamsize kDirect = 16 * 1024;
}  // namespace

SocketBodyBuf::SocketBodyBuf(Poco::Net::HTTPServerRequestImpl& request, int64_t length)
    : socket_(request.socket()), left_(length), small_(kDirect) {
  request.session().drainBuffer(buffered_);
  setg(small_.data(), small_.data(), small_.data());
}

std::streamsize SocketBodyBuf::Receive(char* s, std::streamsize n) {
  n = static_cast<std::streamsize>(std::min<int64_t>(n, left_));
  if (n <= 0) return 0;
  std::streamsize got = 0;
  if (buffered_pos_ < buffered_.size()) {
    got = std::min<std::streamsize>(n, buffered_.size() - buffered_pos_);
    std::memcpy(s, buffered_.begin() + buffered_pos_, got);
    buffered_pos_ += got;
  } else {
    // Throws Poco::TimeoutException after the server's receive timeout; the istream turns that
    // into badbit, which readers report as a failed body.
    got = socket_.receiveBytes(s, static_cast<int>(std::min<std::streamsize>(n, 1 << 30)));
    // The client closed the connection before sending the whole body: an error, not the end,
    // so nothing is stored from a body that is shorter than it said (istream sets badbit).
    if (got <= 0)
      throw std::runtime_error("the client closed the connection " + std::to_string(left_) +
                               " bytes before the end of the body");
  }
  left_ -= got;
  return got;
}

SocketBodyBuf::int_type SocketBodyBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  std::streamsize got = Receive(small_.data(), static_cast<std::streamsize>(small_.size()));
  if (got <= 0) return traits_type::eof();
  setg(small_.data(), small_.data(), small_.data() + got);
  return traits_type::to_int_type(*gptr());
}

std::streamsize SocketBodyBuf::xsgetn(char* s, std::streamsize n) {
  std::streamsize done = 0;
  while (done < n) {
    if (gptr() < egptr()) {
      std::streamsize take = std::min<std::streamsize>(n - done, egptr() - gptr());
      std::memcpy(s + done, gptr(), take);
      gbump(static_cast<int>(take));
      done += take;
    } else if (n - done >= kDirect) {
      std::streamsize got = Receive(s + done, n - done);
      if (got <= 0) break;
      done += got;
    } else if (underflow() == traits_type::eof()) {
      break;
    }
  }
  return done;
}

}  // namespace minutes
