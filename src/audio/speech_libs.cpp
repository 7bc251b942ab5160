#include "audio/speech_libs.hpp"

#include <atomic>

#include "core/shared_library.hpp"

namespace minutes {
namespace {

struct LoadedSphinx {
  SphinxApi api;
  Status status;
};

struct LoadedVad {
  WebRtcVadApi api;
  Status status;
};

std::atomic<bool> sphinx_loaded{false}, vad_loaded{false};

#define MINUTES_SPEECH_RESOLVE(name) \
  if (out.status = lib->Resolve(#name, &out.api.name); !out.status.ok()) return out;

LoadedSphinx OpenSphinx() {
  LoadedSphinx out;
  {
    auto lib = SharedLibrary::Open("libsphinxbase.so.3", "SphinxBase");
    if (!lib.ok()) return {{}, lib.status()};
    MINUTES_SPHINXBASE_FUNCTIONS(MINUTES_SPEECH_RESOLVE)
  }
  auto lib = SharedLibrary::Open("libpocketsphinx.so.3", "PocketSphinx");
  if (!lib.ok()) return {{}, lib.status()};
  MINUTES_POCKETSPHINX_FUNCTIONS(MINUTES_SPEECH_RESOLVE)
  sphinx_loaded = true;
  return out;
}

LoadedVad OpenWebRtcVad() {
  LoadedVad out;
  auto lib = SharedLibrary::Open("libwebrtc_audio_processing.so.1", "WebRTC audio processing");
  if (!lib.ok()) return {{}, lib.status()};
  MINUTES_WEBRTC_VAD_FUNCTIONS(MINUTES_SPEECH_RESOLVE)
  vad_loaded = true;
  return out;
}

#undef MINUTES_SPEECH_RESOLVE

const LoadedSphinx& SphinxOnce() {
  static const LoadedSphinx* once = new LoadedSphinx(OpenSphinx());  // lives as long as the process
  return *once;
}

const LoadedVad& VadOnce() {
  static const LoadedVad* once = new LoadedVad(OpenWebRtcVad());
  return *once;
}

}  // namespace

Result<const SphinxApi*> LoadSphinx() {
  if (!SphinxOnce().status.ok()) return SphinxOnce().status;
  return &SphinxOnce().api;
}

Result<const WebRtcVadApi*> LoadWebRtcVad() {
  if (!VadOnce().status.ok()) return VadOnce().status;
  return &VadOnce().api;
}

const SphinxApi& Sphinx() { return SphinxOnce().api; }
const WebRtcVadApi& WebRtcVad() { return VadOnce().api; }
bool SphinxLoaded() { return sphinx_loaded; }
bool WebRtcVadLoaded() { return vad_loaded; }

}  // namespace minutes
