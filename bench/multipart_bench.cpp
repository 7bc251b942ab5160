// multipart/form-data throughput: MultipartReader against Poco::Net::MultipartReader on the same
// in-memory body (a title field, then one file part of N MiB), the file read in 1 MiB requests
// as a store's upload loop does. Figures are MB/s (10^6 bytes) of file content.
// Run: build/bench/multipart_bench [--benchmark_filter=…]
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <benchmark/benchmark.h>

#include <cstring>
#include <map>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include "http/multipart_reader.hpp"

namespace minutes {
namespace {

constexpr char kBoundary[] = "------------------------d74496d66958873e";

// An istream over bytes already in memory (no copy, as std::istringstream would make).
class MemoryBuf : public std::streambuf {
 public:
  explicit MemoryBuf(const std::string& s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

enum Content { kRandom, kAllCr, kLookalikes };

// A body whose file part is `mib` MiB of: random bytes (a compressed recording), all CR (the
// worst case for a CR-anchored scan), or near-miss delimiters back to back.
const std::string& Body(int mib, Content content) {
  static std::map<std::pair<int, int>, std::unique_ptr<std::string>> cache;
  auto& slot = cache[{mib, content}];
  if (slot) return *slot;
  const std::string dash_boundary = std::string("--") + kBoundary;
  std::string head = dash_boundary +
                     "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nWeekly sync\r\n" +
                     dash_boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rec.m4a\"\r\n"
                     "Content-Type: audio/mp4\r\n\r\n";
  std::string tail = std::string("\r\n--") + kBoundary + "--\r\n";
  size_t n = static_cast<size_t>(mib) << 20;
  slot = std::make_unique<std::string>();
  std::string& body = *slot;
  body.reserve(head.size() + n + tail.size());
  body = head;
  body.resize(head.size() + n);
  char* p = body.data() + head.size();
  if (content == kRandom) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      std::memcpy(p + i, &x, 8);
    }
  } else if (content == kAllCr) {
    std::memset(p, '\r', n);
  } else {
    std::string miss = std::string("\r\n--") + kBoundary;
    miss.back() = 'x';
    for (size_t i = 0; i < n; ++i) p[i] = miss[i % miss.size()];
  }
  body += tail;
  return body;
}

void SetRate(benchmark::State& state, int64_t file_bytes) {
  state.SetBytesProcessed(file_bytes);
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(file_bytes) / 1e6, benchmark::Counter::kIsRate);
}

void BM_MinutesMultipartReader(benchmark::State& state, Content content) {
  const std::string& body = Body(static_cast<int>(state.range(0)), content);
  std::vector<char> buf(1 << 20);
  int64_t file_bytes = 0;
  for (auto _ : state) {
    MemoryBuf mem(body);
    std::istream in(&mem);
    MultipartReader reader(in, kBoundary);
    MultipartPart part;
    for (;;) {
      auto next = reader.Next(&part);
      if (!next.ok()) {
        state.SkipWithError(next.status().message().c_str());
        return;
      }
      if (!*next) break;
      std::istream& s = reader.content();
      int64_t got = 0;
      while (s.read(buf.data(), static_cast<std::streamsize>(buf.size())) || s.gcount() > 0)
        got += s.gcount();
      if (part.name == "file") file_bytes += got;
    }
  }
  SetRate(state, file_bytes);
}

void BM_PocoMultipartReader(benchmark::State& state) {
  const std::string& body = Body(static_cast<int>(state.range(0)), kRandom);
  std::vector<char> buf(1 << 20);
  int64_t file_bytes = 0;
  for (auto _ : state) {
    MemoryBuf mem(body);
    std::istream in(&mem);
    Poco::Net::MultipartReader reader(in, kBoundary);
    while (reader.hasNextPart()) {
      Poco::Net::MessageHeader h;
      reader.nextPart(h);
      std::istream& s = reader.stream();
      int64_t got = 0;
      while (s.read(buf.data(), static_cast<std::streamsize>(buf.size())) || s.gcount() > 0)
        got += s.gcount();
      if (h.get("Content-Disposition", "").find("name=\"file\"") != std::string::npos)
        file_bytes += got;
    }
  }
  SetRate(state, file_bytes);
}

BENCHMARK_CAPTURE(BM_MinutesMultipartReader, random, kRandom)
    ->Arg(64)
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2);
BENCHMARK(BM_PocoMultipartReader)
    ->Arg(64)
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2);
BENCHMARK_CAPTURE(BM_MinutesMultipartReader, all_cr, kAllCr)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_MinutesMultipartReader, lookalikes, kLookalikes)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace minutes

BENCHMARK_MAIN();
