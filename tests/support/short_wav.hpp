#pragma once
// The first seconds of a 16-bit PCM WAV, as a WAV (header sizes fixed up): a short recording cut
// from the synthesized test meetings, for tests that need many quick jobs.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace minutes {

inline std::string ShortWav(const std::filesystem::path& wav, double seconds) {
  std::ifstream in(wav, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, all.data() + at, 4);
    return v;
  };
  uint32_t byte_rate = u32(28);
  size_t at = 12;
  while (at + 8 <= all.size() && all.compare(at, 4, "data") != 0) at += 8 + u32(at + 4);
  if (at + 8 > all.size()) return all;
  size_t keep =
      std::min<size_t>(all.size() - at - 8, static_cast<size_t>(seconds * byte_rate) & ~size_t{3});
  std::string out = all.substr(0, at + 8) + all.substr(at + 8, keep);
  uint32_t riff = static_cast<uint32_t>(out.size() - 8), data = static_cast<uint32_t>(keep);
  std::memcpy(out.data() + 4, &riff, 4);
  std::memcpy(out.data() + at + 4, &data, 4);
  return out;
}

}  // namespace minutes
