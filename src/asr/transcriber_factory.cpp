#include "asr/openai_transcriber.hpp"
#include "asr/pocketsphinx_transcriber.hpp"
#include "asr/transcriber.hpp"

namespace minutes {

Result<std::unique_ptr<Transcriber>> MakeTranscriber(const std::string& engine,
                                                     const TranscriberOptions& options) {
  if (engine == "pocketsphinx" || engine == "auto" || engine.empty())
    return MakePocketSphinxTranscriber(options);
  if (engine.find("://") != std::string::npos) {  // a provider: openai://…, openai+http://…
    auto o = ParseOpenAiAsrUrl(engine);
    if (!o.ok()) return o.status();
    if (o->language.empty() && options.language != "auto") o->language = options.language;
    o->hotwords = options.hotwords;
    return std::unique_ptr<Transcriber>(new OpenAiTranscriber(*o));
  }
  return Status::BadInput("unknown ASR engine '" + engine +
                          "' (known: auto, pocketsphinx, openai://…, openai+http://…)");
}

}  // namespace minutes
