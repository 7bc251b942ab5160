#include "llm/call_capture.hpp"

#include "core/request_local.hpp"

namespace minutes {
namespace {
// Per request, not per thread: an API handler's model call may continue on another thread.
const RequestLocal<std::vector<ProviderCallRecord>> g_calls;
}  // namespace

void ForwardProviderCall(const ProviderCallRecord& call) {
  if (auto* calls = g_calls.get()) calls->push_back(call);
}

ProviderCallCapture::ProviderCallCapture() : previous_(g_calls.get()) { g_calls.set(&calls); }
ProviderCallCapture::~ProviderCallCapture() { g_calls.set(previous_); }

}  // namespace minutes
