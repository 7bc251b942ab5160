#include <filesystem>

#include "asr/aws_transcribe.hpp"
#include "asr/media_stage.hpp"
#include "asr/openai_transcriber.hpp"
#include "asr/pocketsphinx_transcriber.hpp"
#include "asr/transcriber.hpp"
#include "asr/volcengine_transcriber.hpp"
#include "asr/whisper_transcriber.hpp"

namespace minutes {
namespace {

const char* kKnown =
    "auto, whisper, pocketsphinx, openai://…, openai+http://…, transcribe://REGION…, "
    "volcengine://…, "
    "volcengine+http://…";

std::string SchemeOf(const std::string& engine) { return engine.substr(0, engine.find("://")); }

}  // namespace

Status ValidateAsrEngine(const std::string& engine) {
  if (engine == "pocketsphinx" || engine == "auto" || engine.empty() || engine == "whisper")
    return Status::Ok();
  std::string scheme = SchemeOf(engine);
  if (engine.find("://") == std::string::npos)
    return Status::BadInput("asr.engine: unknown engine '" + engine + "' (known: " + kKnown + ")");
  if (scheme == "openai" || scheme == "openai+http") return ParseOpenAiAsrUrl(engine).status();
  if (scheme == "transcribe") return ParseTranscribeUrl(engine).status();
  if (scheme == "volcengine" || scheme == "volcengine+http")
    return ParseVolcengineUrl(engine).status();
  return Status::BadInput("asr.engine: unknown provider '" + scheme + "://' (known: " + kKnown +
                          ")");
}

std::string AsrEngineName(const std::string& engine) {
  if (engine.find("://") == std::string::npos) return engine.empty() ? "auto" : engine;
  auto name = engine.find("name=");
  if (name != std::string::npos && (engine[name - 1] == '?' || engine[name - 1] == '&'))
    return engine.substr(name + 5, engine.find('&', name) - name - 5);
  std::string scheme = SchemeOf(engine);
  return scheme.substr(0, scheme.find('+'));
}

Result<std::unique_ptr<Transcriber>> MakeTranscriber(const std::string& engine,
                                                     const TranscriberOptions& options) {
  if (Status s = ValidateAsrEngine(engine); !s.ok()) return s;
  std::string whisper_model = WhisperModelPath(options.whisper_model, options.language);
  std::error_code ec;
  bool whisper = engine == "whisper" || ((engine == "auto" || engine.empty()) &&
                                         std::filesystem::is_regular_file(whisper_model, ec));
  if (whisper) {
    WhisperOptions w;
    w.model_path = whisper_model;
    w.language = options.language.empty() ? "auto" : options.language;
    w.hotwords = options.hotwords;
    w.threads_per_session = options.threads >= 2 ? 2 : 1;
    return WhisperTranscriber::Load(w);
  }
  if (engine == "pocketsphinx" || engine == "auto" || engine.empty())
    return MakePocketSphinxTranscriber(options);
  std::string scheme = SchemeOf(engine);
  if (scheme == "transcribe") {
    auto o = ParseTranscribeUrl(engine);
    o->language = options.language;
    o->hotwords = options.hotwords;
    auto stage = MediaStage::Open(options, "amazon transcribe");
    if (!stage.ok()) return stage.status();
    return std::unique_ptr<Transcriber>(new AwsTranscribeTranscriber(*o, std::move(*stage)));
  }
  if (scheme == "volcengine" || scheme == "volcengine+http") {
    auto o = ParseVolcengineUrl(engine);
    o->hotwords = options.hotwords;
    auto stage = MediaStage::Open(options, "volcengine");
    if (!stage.ok()) return stage.status();
    return std::unique_ptr<Transcriber>(new VolcengineTranscriber(*o, std::move(*stage)));
  }
  auto o = ParseOpenAiAsrUrl(engine);
  if (o->language.empty() && options.language != "auto") o->language = options.language;
  o->hotwords = options.hotwords;
  return std::unique_ptr<Transcriber>(new OpenAiTranscriber(*o));
}

}  // namespace minutes
