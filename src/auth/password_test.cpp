#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace minutes {
namespace {

PasswordParams Fast() { return {1, 1024, 1}; }  // tests need not be slow; format is the same

TEST(Password, HashesVerifyAndAreSalted) {
  auto a = HashPassword("correct horse", Fast());
  auto b = HashPassword("correct horse", Fast());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$v=19$", 0), 0u) << *a;
  EXPECT_NE(*a, *b) << "random salt";
  EXPECT_TRUE(VerifyPassword("correct horse", *a));
  EXPECT_FALSE(VerifyPassword("correct horsf", *a));
  EXPECT_FALSE(VerifyPassword("correct horse", "plaintext"));
  EXPECT_FALSE(VerifyPassword("x", "$argon2id$garbage"));
}

TEST(Password, DefaultParamsAreArgon2idWith64MiB) {
  auto h = HashPassword("pw");
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("m=65536,t=3,p=1"), std::string::npos) << *h;
}

TEST(Password, RejectsEmptyAndHugePasswords) {
  EXPECT_EQ(HashPassword("").status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(HashPassword(std::string(1025, 'x')).status().kind(), ErrorKind::kBadInput);
}

TEST(HashSlots, RunsAtMostConcurrencyAtOnceAndTurnsAwayPastTheQueue) {
  HashSlots slots(2, 1, std::chrono::milliseconds(2000));
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> peak{0}, ran{0};
  auto hold = [&] {
    peak = std::max(peak.load(), slots.running());
    ++ran;
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
  };
  std::vector<std::thread> holders;
  for (int i = 0; i < 3; ++i)  // two run, one waits in the queue
    holders.emplace_back([&] { EXPECT_TRUE(slots.Run(hold).ok()); });
  while (ran.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the third is queued by now
  Status turned_away = slots.Run([] {});
  EXPECT_EQ(turned_away.kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(turned_away.retry_after_s(), 1);
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  for (auto& t : holders) t.join();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(peak.load(), 2);
  EXPECT_EQ(slots.running(), 0);
}

TEST(HashSlots, AWaiterGivesUpAfterItsMaximumWait) {
  HashSlots slots(1, 4, std::chrono::milliseconds(50));
  std::atomic<bool> started{false}, stop{false};
  std::thread holder([&] {
    (void)slots.Run([&] {
      started = true;
      while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(slots.Run([] {}).kind(), ErrorKind::kUnavailable);
  stop = true;
  holder.join();
  EXPECT_TRUE(slots.Run([] {}).ok());
}

TEST(RandomHex, LengthAndVariety) {
  auto a = RandomHex(16), b = RandomHex(16);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace minutes
