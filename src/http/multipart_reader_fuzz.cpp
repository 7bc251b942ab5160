// libFuzzer target for MultipartReader. Input: one byte for the boundary's length (1 to 70),
// one byte for the body stream's chunk size (0: whatever is asked), the boundary, then the body.
// Every part is read to its end, in reads of varying sizes; the reader's promises are checked.
// Build: clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
//          src/http/multipart_reader_fuzz.cpp src/http/multipart_reader.cpp
#include <cstddef>
#include <cstdint>
#include <istream>
#include <streambuf>
#include <string>

#include "http/multipart_reader.hpp"

namespace {

// Hands out the body `chunk` bytes per underflow (all of it when `chunk` is 0), as a socket does.
class ChunkedBuf : public std::streambuf {
 public:
  ChunkedBuf(const char* data, size_t size, size_t chunk)
      : data_(const_cast<char*>(data)), size_(size), chunk_(chunk == 0 ? size : chunk) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (given_ == size_) return traits_type::eof();
    size_t n = std::min(chunk_, size_ - given_);
    setg(data_ + given_, data_ + given_, data_ + given_ + n);
    given_ += n;
    return traits_type::to_int_type(*gptr());
  }

 private:
  char* data_;
  size_t size_, chunk_, given_ = 0;
};

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t boundary_size = data[0] % 70 + 1;
  size_t chunk = data[1];
  if (size < 2 + boundary_size) return 0;
  std::string boundary(reinterpret_cast<const char*>(data + 2), boundary_size);
  const char* body = reinterpret_cast<const char*>(data + 2 + boundary_size);
  size_t body_size = size - 2 - boundary_size;

  ChunkedBuf buf(body, body_size, chunk);
  std::istream in(&buf);
  minutes::MultipartReader reader(in, boundary);
  minutes::MultipartPart part;
  char out[4096];
  size_t read_size = 1;
  size_t total = 0;
  for (int parts = 0;; ++parts) {
    auto next = reader.Next(&part);
    if (!next.ok()) {
      Check(!reader.error().ok() && next.status().message() == reader.error().message());
      break;
    }
    if (!*next) {
      Check(reader.error().ok());
      Check(reader.content().get() == EOF);
      break;
    }
    Check(parts < minutes::MultipartReader::kMaxParts);
    std::istream& content = reader.content();
    while (content.read(out, static_cast<std::streamsize>(read_size)) || content.gcount() > 0) {
      total += static_cast<size_t>(content.gcount());
      read_size = read_size % sizeof out + 7;
    }
    Check(total <= body_size);
    Check(content.bad() == !reader.error().ok());
  }
  return 0;
}
