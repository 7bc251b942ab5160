#pragma once
// Minutes from a language model: the template's instructions and the transcript (with speaker
// names and segment ids) in, structured JSON out (a JSON Schema for providers that enforce one),
// repaired field by field (minutes_repair.hpp); the model is asked once more only when its
// reply does not parse or nothing usable remains. Transcripts longer than the model's context
// are map-reduced: parts on speaker-turn boundaries are summarised, then the partial minutes
// merged.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llm/language_model.hpp"
#include "minutes/generator.hpp"
#include "minutes/minutes_repair.hpp"

namespace minutes {

struct LlmMinutesOptions {
  std::string instructions;   ///< the template's prompt: what to emphasise, how to write
  int context_tokens = 8192;  ///< the model's context window
  int reply_tokens = 1500;    ///< kept free for the reply
};

/// One transcript line as models see it: "[seg-0001] 00:01:02 Alice (S1): text\n".
std::string TranscriptLine(const Transcript& transcript, const Segment& segment);

/// A rough token count: ~4 bytes per token for ASCII text, one token per other character
/// (CJK characters are about one token each). Errs on the high side.
int EstimateTokens(const std::string& text);

class LlmMinutesGenerator : public MinutesGenerator {
 public:
  LlmMinutesGenerator(std::shared_ptr<LanguageModel> model, LlmMinutesOptions options);
  std::string Name() const override { return model_->Name(); }
  Result<MinutesDoc> Generate(const Transcript& transcript,
                              const GenerateOptions& options) const override;
  /// Generate, with what was repaired in the model's replies (map parts' repairs under
  /// "parts[i].", the merges' under "merged.").
  Result<RepairedMinutes> Write(const Transcript& transcript, const GenerateOptions& options) const;

  /// The transcript's lines as the model sees them, split into parts that fit the context
  /// (one part when it all fits). Public for tests.
  std::vector<std::string> Parts(const Transcript& transcript) const;

 private:
  Result<RepairedMinutes> Ask(const std::string& system, const std::string& user,
                              const Transcript& transcript) const;
  std::shared_ptr<LanguageModel> model_;
  LlmMinutesOptions o_;
};

}  // namespace minutes
