#pragma once
// A chain of language models for one capability: each link is tried in order, with retries
// (exponential backoff with jitter, honouring the provider's Retry-After) on failures that may
// pass, a circuit breaker per link, a limit on calls in flight per link, and failover to the next
// link. The embedded engine can be the last link.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llm/language_model.hpp"

namespace minutes {

struct ChainLink {
  std::shared_ptr<LanguageModel> model;
  int max_retries = 2;                            ///< after the first try
  std::chrono::milliseconds backoff{500};         ///< first wait; doubles each retry
  std::chrono::milliseconds max_wait{30000};      ///< a longer Retry-After: fail over instead
  int max_in_flight = 4;                          ///< concurrent calls to this provider
  int breaker_failures = 5;                       ///< consecutive failures that open the breaker
  std::chrono::milliseconds breaker_open{60000};  ///< how long it stays open
};

/// What one provider call did (for the audit log and metrics).
struct ProviderCallRecord {
  std::string provider;  ///< the link's Name()
  std::string outcome;   ///< "ok", "retry", "failed", "skipped (circuit open)"
  std::string error;
  double seconds = 0;
  int tokens_in = 0, tokens_out = 0;
};

class ModelChain : public LanguageModel {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  /// `clock` and `sleep` default to the real ones (tests pass their own).
  explicit ModelChain(std::vector<ChainLink> links, Clock clock = {}, Sleep sleep = {});
  /// "chain(a, b, …)".
  std::string Name() const override;
  /// The first link that answers; when none does, kUnavailable (or the last kBadInput) naming
  /// every link's failure.
  Result<Completion> Complete(const CompletionRequest& request) override;
  /// Like Complete, with the link whose provider is `provider` tried first and the others
  /// after it in their order.
  Result<Completion> CompleteStartingWith(const std::string& provider,
                                          const CompletionRequest& request);
  /// Each link's provider name — its Name() up to the ':' ("openai", "gemini", a name=…) — in
  /// order.
  std::vector<std::string> ProviderNames() const;
  /// Called after every provider call, from the calling thread.
  void OnCall(std::function<void(const ProviderCallRecord&)> observer) {
    observer_ = std::move(observer);
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int failures = 0;
    std::chrono::steady_clock::time_point open_until{};
  };
  Result<Completion> TryLink(size_t i, const CompletionRequest& request, bool* skipped);
  void Record(const ProviderCallRecord& r) {
    if (observer_) observer_(r);
  }
  std::vector<ChainLink> links_;
  std::vector<std::unique_ptr<State>> states_;
  Clock clock_;
  Sleep sleep_;
  std::function<void(const ProviderCallRecord&)> observer_;
};

/// `model` preferring `provider` when it is a chain holding that provider; `model` itself
/// otherwise (and for "" or "auto").
std::shared_ptr<LanguageModel> PreferProvider(std::shared_ptr<LanguageModel> model,
                                              const std::string& provider);

}  // namespace minutes
