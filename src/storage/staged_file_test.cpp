#include "storage/staged_file.hpp"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "crypto/sha256.hpp"

namespace minutes {
namespace {
namespace fs = std::filesystem;

std::string ShaOf(const std::string& bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.FinishHex();
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Writes `bytes` in pieces of random sizes (aligned and not, small and several blocks) into a
// staged file under `dir`, then checks the bytes on disk. Returns whether it wrote directly.
bool WriteAndCheck(const fs::path& dir, const std::string& bytes) {
  fs::create_directories(dir);
  StagedFile f(dir);
  EXPECT_GE(f.fd(), 0);
  std::mt19937 rng(7);
  size_t at = 0;
  while (at < bytes.size()) {
    size_t n = std::min<size_t>(bytes.size() - at, rng() % 3 == 0 ? 4096 : rng() % (6 << 20));
    EXPECT_TRUE(f.Write(bytes.data() + at, n).ok());
    at += n;
  }
  bool direct = f.direct();
  Status s = f.SyncAndClose();
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(Slurp(f.path()) == bytes) << "content differs in " << dir;
  EXPECT_EQ(fs::file_size(f.path()), bytes.size());
  // The hash it kept (whole blocks hashed on its own thread during the disk write) is the
  // hash of the bytes, in order.
  EXPECT_EQ(f.Sha256Hex(), ShaOf(bytes)) << bytes.size() << " bytes in " << dir;
  if (bytes.empty()) {  // FIPS 180-2's vector for the empty message
    EXPECT_EQ(ShaOf(bytes), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
  return direct;
}

// The same through WriteFrom: the body read straight into the write buffer.
void WriteFromAndCheck(const fs::path& dir, const std::string& bytes) {
  fs::create_directories(dir);
  StagedFile f(dir);
  std::istringstream in(bytes);
  size_t total = 0;
  for (;;) {
    auto n = f.WriteFrom(in, 1 << 20);
    ASSERT_TRUE(n.ok()) << n.status().message();
    if (*n == 0) break;
    total += *n;
  }
  EXPECT_EQ(total, bytes.size());
  Status s = f.SyncAndClose();
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(Slurp(f.path()) == bytes) << "content differs in " << dir;
  EXPECT_EQ(f.Sha256Hex(), ShaOf(bytes)) << bytes.size() << " bytes in " << dir;
}

std::string Random(size_t n) {
  std::mt19937 rng(42);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class StagedFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StagedFileTest, WritesExactBytesWhateverTheirSizes) {
  fs::path dir = fs::path(GetParam()) / ("minutes_staged_" + std::to_string(getpid()));
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{4096}, size_t{(9 << 20) + 4097}, size_t{(17 << 20) + 5}}) {
    bool direct = WriteAndCheck(dir, Random(size));
    WriteFromAndCheck(dir, Random(size));
    // On ext4 (where the project's data lives here) whole blocks bypass the page cache.
    struct statfs sf {};
    if (statfs(dir.c_str(), &sf) == 0 && sf.f_type == EXT4_SUPER_MAGIC) {
      EXPECT_TRUE(direct);
    }
  }
  EXPECT_TRUE(fs::is_empty(dir)) << "staged files are removed unless released";
  fs::remove_all(dir);
}

// More large files at once than there are hashing threads (one per core): those without one
// hash on their own thread; every hash is still right.
TEST(StagedFile, ConcurrentLargeFilesAllHashRight) {
  fs::path dir = fs::temp_directory_path() / ("minutes_staged_many_" + std::to_string(getpid()));
  const std::string bytes = Random((9 << 20) + 123);
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) writers.emplace_back([&] { WriteFromAndCheck(dir, bytes); });
  for (auto& w : writers) w.join();
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// The temp directory (ext4 here: direct writes) and /dev/shm (tmpfs: buffered or direct,
// depending on the kernel) take both paths.
INSTANTIATE_TEST_SUITE_P(Dirs, StagedFileTest,
                         ::testing::Values(fs::temp_directory_path().string(), "/dev/shm"));

}  // namespace
}  // namespace minutes
