#include "llm/model_chain.hpp"

#include <random>
#include <thread>

#include "core/blocking.hpp"

namespace minutes {

ModelChain::ModelChain(std::vector<ChainLink> links, Clock clock, Sleep sleep)
    : links_(std::move(links)), clock_(std::move(clock)), sleep_(std::move(sleep)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  // Waits between attempts are long waits: off the HTTP edge's handler threads (Ask).
  if (!sleep_)
    sleep_ = [](std::chrono::milliseconds d) {
      RunBlocking([d] { std::this_thread::sleep_for(d); });
    };
  for (size_t i = 0; i < links_.size(); ++i) states_.push_back(std::make_unique<State>());
}

std::string ModelChain::Name() const {
  std::string name = "chain(";
  for (size_t i = 0; i < links_.size(); ++i) name += (i ? ", " : "") + links_[i].model->Name();
  return name + ")";
}

Result<Completion> ModelChain::TryLink(size_t i, const CompletionRequest& request, bool* skipped) {
  const ChainLink& link = links_[i];
  State& st = *states_[i];
  std::string name = link.model->Name();
  {
    std::unique_lock lock(st.mu);
    if (st.failures >= link.breaker_failures && clock_() < st.open_until) {
      *skipped = true;
      Record({name, "skipped (circuit open)", "", 0, 0, 0});
      return Status(ErrorKind::kUnavailable,
                    name + ": circuit open after " + std::to_string(st.failures) + " failures");
    }
    const int cap = std::max(1, link.max_in_flight);
    if (st.in_flight < cap) {
      ++st.in_flight;
    } else {
      lock.unlock();
      // Waiting for a place on a full link is a long wait too.
      RunBlocking([&] {
        std::unique_lock wait(st.mu);
        st.cv.wait(wait, [&] { return st.in_flight < cap; });
        ++st.in_flight;
      });
    }
  }
  struct Leave {
    State& st;
    ~Leave() {
      {
        std::lock_guard lock(st.mu);
        --st.in_flight;
      }
      st.cv.notify_one();
    }
  } leave{st};
  // Not thread_local: a handler's request may continue on another thread after a call.
  std::mt19937 rng(std::random_device{}());
  Status last;
  for (int attempt = 0; attempt <= link.max_retries; ++attempt) {
    auto t0 = clock_();
    auto c = link.model->Complete(request);
    double seconds = std::chrono::duration<double>(clock_() - t0).count();
    if (c.ok()) {
      {
        std::lock_guard lock(st.mu);
        st.failures = 0;
      }
      Record({name, "ok", "", c->seconds > 0 ? c->seconds : seconds, c->tokens_in, c->tokens_out});
      return c;
    }
    last = c.status();
    bool passing = last.kind() == ErrorKind::kUnavailable;
    {
      std::lock_guard lock(st.mu);
      if (++st.failures >= link.breaker_failures) st.open_until = clock_() + link.breaker_open;
    }
    // Waiting: the provider's Retry-After, else backoff * 2^attempt with ±50 % jitter.
    auto wait = std::chrono::milliseconds(
        static_cast<int64_t>(link.backoff.count() * (1 << attempt) *
                             std::uniform_real_distribution<double>(0.5, 1.5)(rng)));
    if (last.retry_after_s() >= 0)
      wait = std::chrono::milliseconds(static_cast<int64_t>(last.retry_after_s() * 1000));
    bool retry = passing && attempt < link.max_retries && wait <= link.max_wait;
    Record({name, retry ? "retry" : "failed", last.message(), seconds, 0, 0});
    if (!retry) break;
    {
      std::lock_guard lock(st.mu);
      if (st.failures >= link.breaker_failures) break;  // the breaker just opened
    }
    sleep_(wait);
  }
  return last;
}

Result<Completion> ModelChain::Complete(const CompletionRequest& request) {
  return CompleteStartingWith("", request);
}

std::vector<std::string> ModelChain::ProviderNames() const {
  std::vector<std::string> names;
  for (const auto& l : links_) {
    std::string n = l.model->Name();
    names.push_back(n.substr(0, n.find(':')));
  }
  return names;
}

Result<Completion> ModelChain::CompleteStartingWith(const std::string& provider,
                                                    const CompletionRequest& request) {
  if (links_.empty()) return Status::BadInput("no language model configured");
  std::vector<size_t> order;
  auto names = ProviderNames();
  for (size_t i = 0; i < links_.size(); ++i)
    if (names[i] == provider) order.push_back(i);
  for (size_t i = 0; i < links_.size(); ++i)
    if (names[i] != provider) order.push_back(i);
  std::string failures;
  Status last;
  bool any_unavailable = false;
  for (size_t i : order) {
    bool skipped = false;
    auto c = TryLink(i, request, &skipped);
    if (c.ok()) return c;
    last = c.status();
    any_unavailable |= last.kind() == ErrorKind::kUnavailable;
    failures += (failures.empty() ? "" : "; ") + last.message();
  }
  return Status(any_unavailable ? ErrorKind::kUnavailable : last.kind(),
                "every language model failed: " + failures);
}

namespace {

class Preferring : public LanguageModel {
 public:
  Preferring(std::shared_ptr<ModelChain> chain, std::string provider)
      : chain_(std::move(chain)), provider_(std::move(provider)) {}
  std::string Name() const override { return chain_->Name(); }
  Result<Completion> Complete(const CompletionRequest& request) override {
    return chain_->CompleteStartingWith(provider_, request);
  }

 private:
  std::shared_ptr<ModelChain> chain_;
  std::string provider_;
};

}  // namespace

std::shared_ptr<LanguageModel> PreferProvider(std::shared_ptr<LanguageModel> model,
                                              const std::string& provider) {
  auto chain = std::dynamic_pointer_cast<ModelChain>(model);
  if (!chain || provider.empty() || provider == "auto") return model;
  return std::make_shared<Preferring>(chain, provider);
}

}  // namespace minutes
