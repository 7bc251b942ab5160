#pragma once
// The offline, deterministic minutes generator: no model, no network.
#include "minutes/generator.hpp"

namespace minutes {

/// Extractive minutes: summary from the most central sentences (TF-IDF cosine centrality),
/// decisions and action items from cue phrases (owner = the named person or the speaker, due =
/// the due phrase as said), topics from repeated key phrases, talk time per speaker.
class ExtractiveGenerator : public MinutesGenerator {
 public:
  std::string Name() const override { return "extractive"; }
  Result<MinutesDoc> Generate(const Transcript& transcript,
                              const GenerateOptions& options) const override;
};

}  // namespace minutes
