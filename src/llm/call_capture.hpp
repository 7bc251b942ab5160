#pragma once
// Which provider calls the configured models made for one request or job (for its audit lines
// and cost log): the model chain reports every call to ForwardProviderCall, which hands it to
// the capture of the request running on the calling thread.
#include <vector>

#include "llm/model_chain.hpp"

namespace minutes {

/// Collects the provider calls the configured models make for this request (or job) while it
/// lives, on whichever thread the request continues. Captures nest: the innermost collects.
class ProviderCallCapture {
 public:
  ProviderCallCapture();
  ~ProviderCallCapture();
  ProviderCallCapture(const ProviderCallCapture&) = delete;
  ProviderCallCapture& operator=(const ProviderCallCapture&) = delete;
  std::vector<ProviderCallRecord> calls;

 private:
  std::vector<ProviderCallRecord>* previous_;
};

/// The observer to give the configured ModelChain: it hands each call to the capture of the
/// request running on the calling thread (none: the call is not collected).
void ForwardProviderCall(const ProviderCallRecord& call);

}  // namespace minutes
