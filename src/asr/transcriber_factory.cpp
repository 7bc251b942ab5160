#include "asr/pocketsphinx_transcriber.hpp"
#include "asr/transcriber.hpp"

namespace minutes {

Result<std::unique_ptr<Transcriber>> MakeTranscriber(const std::string& engine,
                                                     const TranscriberOptions& options) {
  if (engine == "pocketsphinx" || engine == "auto" || engine.empty())
    return MakePocketSphinxTranscriber(options);
  return Status::BadInput("unknown ASR engine '" + engine + "' (known: auto, pocketsphinx)");
}

}  // namespace minutes
