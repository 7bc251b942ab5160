#include "audio/pcm_spool.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(PcmSpool, ReadsBackRangesAcrossAppends) {
  auto spool = PcmSpool::Create();
  ASSERT_TRUE(spool.ok()) << spool.status().message();
  std::vector<int16_t> a(1000), b(500);
  for (int i = 0; i < 1000; ++i) a[i] = static_cast<int16_t>(i);
  for (int i = 0; i < 500; ++i) b[i] = static_cast<int16_t>(-i);
  ASSERT_TRUE(spool->Append(a).ok());
  ASSERT_TRUE(spool->Append(b).ok());
  EXPECT_EQ(spool->size(), 1500);
  std::vector<int16_t> got;
  ASSERT_TRUE(spool->Read(998, 1003, &got).ok());
  EXPECT_EQ(got, (std::vector<int16_t>{998, 999, 0, -1, -2}));
  ASSERT_TRUE(spool->Read(1490, 99999, &got).ok());
  EXPECT_EQ(got.size(), 10u);
}

TEST(PcmSpool, BadDirectoryIsAnIoError) {
  auto spool = PcmSpool::Create("/nonexistent-dir");
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().kind(), ErrorKind::kIo);
  EXPECT_NE(spool.status().message().find("/nonexistent-dir"), std::string::npos);
}

}  // namespace
}  // namespace minutes
