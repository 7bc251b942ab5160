// The chain's retry, failover, circuit-breaker and concurrency rules, with scripted models and
// a fake clock (no waiting).
#include "llm/model_chain.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <thread>

namespace minutes {
namespace {

using namespace std::chrono_literals;

class Scripted : public LanguageModel {
 public:
  explicit Scripted(std::string name) : name_(std::move(name)) {}
  std::string Name() const override { return name_; }
  Result<Completion> Complete(const CompletionRequest&) override {
    int now = ++in_flight_;
    int seen = max_in_flight_;
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    if (hold_.count() > 0) std::this_thread::sleep_for(hold_);
    --in_flight_;
    std::lock_guard lock(mu_);
    ++calls_;
    if (script_.empty()) return Completion{name_ + " says hi", "m", 3, 4, name_};
    auto r = script_.front();
    script_.pop_front();
    return r;
  }
  void Then(Result<Completion> r) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(r));
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::chrono::milliseconds hold_{0};
  std::atomic<int> in_flight_{0}, max_in_flight_{0};

 private:
  std::string name_;
  std::mutex mu_;
  std::deque<Result<Completion>> script_;
  int calls_ = 0;
};

Status Busy(double retry_after = -1) {
  return Status(ErrorKind::kUnavailable, "HTTP 429").WithRetryAfter(retry_after);
}

struct Harness {
  std::chrono::steady_clock::time_point now{};
  std::vector<std::chrono::milliseconds> slept;
  ModelChain::Clock clock() {
    return [this] { return now; };
  }
  ModelChain::Sleep sleep() {
    return [this](std::chrono::milliseconds d) {
      slept.push_back(d);
      now += d;
    };
  }
};

ChainLink Link(std::shared_ptr<Scripted> m, int retries = 2) {
  ChainLink l;
  l.model = m;
  l.max_retries = retries;
  l.backoff = 100ms;
  return l;
}

TEST(ModelChain, RetriesWithGrowingJitteredBackoffThenAnswers) {
  auto a = std::make_shared<Scripted>("a");
  a->Then(Busy());
  a->Then(Busy());
  Harness h;
  ModelChain chain({Link(a)}, h.clock(), h.sleep());
  auto c = chain.Complete({});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(a->calls(), 3);
  ASSERT_EQ(h.slept.size(), 2u);
  EXPECT_GE(h.slept[0], 50ms);
  EXPECT_LE(h.slept[0], 150ms);
  EXPECT_GE(h.slept[1], 100ms);
  EXPECT_LE(h.slept[1], 300ms);
}

TEST(ModelChain, HonoursRetryAfterAndFailsOverWhenItIsTooLong) {
  auto a = std::make_shared<Scripted>("a"), b = std::make_shared<Scripted>("b");
  a->Then(Busy(3));
  Harness h;
  ModelChain chain({Link(a), Link(b)}, h.clock(), h.sleep());
  EXPECT_EQ(chain.Complete({})->provider, "a");
  ASSERT_EQ(h.slept.size(), 1u);
  EXPECT_EQ(h.slept[0], 3000ms);
  a->Then(Busy(120));  // rests for two minutes: the next provider serves meanwhile
  auto c = chain.Complete({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->provider, "b");
  EXPECT_EQ(h.slept.size(), 1u) << "no waiting for a long Retry-After";
}

TEST(ModelChain, ARefusedRequestFailsOverWithoutRetrying) {
  auto a = std::make_shared<Scripted>("a"), b = std::make_shared<Scripted>("b");
  a->Then(Status::BadInput("a: HTTP 401: Incorrect API key"));
  Harness h;
  ModelChain chain({Link(a), Link(b)}, h.clock(), h.sleep());
  auto c = chain.Complete({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->provider, "b");
  EXPECT_EQ(a->calls(), 1);
  EXPECT_TRUE(h.slept.empty());
}

TEST(ModelChain, ABreakerOpensAfterRepeatedFailuresAndTriesAgainLater) {
  auto a = std::make_shared<Scripted>("a"), b = std::make_shared<Scripted>("b");
  for (int i = 0; i < 3; ++i) a->Then(Busy());
  Harness h;
  ChainLink la = Link(a, 0);
  la.breaker_failures = 2;
  la.breaker_open = 60s;
  ModelChain chain({la, Link(b)}, h.clock(), h.sleep());
  std::vector<std::string> outcomes;
  chain.OnCall(
      [&](const ProviderCallRecord& r) { outcomes.push_back(r.provider + " " + r.outcome); });
  for (int i = 0; i < 4; ++i) EXPECT_EQ(chain.Complete({})->provider, "b");
  EXPECT_EQ(a->calls(), 2) << "open: not called again";
  EXPECT_EQ(outcomes[0], "a failed");
  EXPECT_EQ(outcomes[4], "a skipped (circuit open)");
  h.now += 61s;  // half-open: one try; it fails again, so it opens again
  EXPECT_EQ(chain.Complete({})->provider, "b");
  EXPECT_EQ(a->calls(), 3);
  EXPECT_EQ(chain.Complete({})->provider, "b");
  EXPECT_EQ(a->calls(), 3);
  h.now += 61s;  // and now it answers: closed again
  EXPECT_EQ(chain.Complete({})->provider, "a");
  EXPECT_EQ(chain.Complete({})->provider, "a");
}

TEST(ModelChain, WhenEveryLinkFailsTheErrorNamesEachOne) {
  auto a = std::make_shared<Scripted>("a"), b = std::make_shared<Scripted>("b");
  a->Then(Status::BadInput("a: HTTP 400: bad model"));
  b->Then(Busy());
  Harness h;
  ModelChain chain({Link(a), Link(b, 0)}, h.clock(), h.sleep());
  auto c = chain.Complete({});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(c.status().message().find("a: HTTP 400: bad model; HTTP 429"), std::string::npos)
      << c.status().message();
  EXPECT_EQ(ModelChain({}).Complete({}).status().kind(), ErrorKind::kBadInput);
}

TEST(ModelChain, LimitsCallsInFlightPerProvider) {
  auto a = std::make_shared<Scripted>("a");
  a->hold_ = 50ms;
  ChainLink l = Link(a);
  l.max_in_flight = 2;
  ModelChain chain({l});
  std::vector<std::thread> callers;
  for (int i = 0; i < 6; ++i) callers.emplace_back([&] { EXPECT_TRUE(chain.Complete({}).ok()); });
  for (auto& t : callers) t.join();
  EXPECT_EQ(a->calls(), 6);
  EXPECT_EQ(a->max_in_flight_, 2);
}

}  // namespace
}  // namespace minutes
