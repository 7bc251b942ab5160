#pragma once
// The embedded recognizer: PocketSphinx's C API with Debian's US English model.
#include <memory>

#include "asr/transcriber.hpp"

namespace minutes {

/// Default model directory of Debian's pocketsphinx-en-us package.
constexpr const char* kPocketSphinxModelDir = "/usr/share/pocketsphinx/model/en-us";

/// Creates a PocketSphinx transcriber with a pool of `options.threads` decoders (one per
/// concurrent caller; each ~95 MB). Fails with BadInput when the model files are missing.
Result<std::unique_ptr<Transcriber>> MakePocketSphinxTranscriber(const TranscriberOptions& options);

}  // namespace minutes
