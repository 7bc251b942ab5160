#pragma once
// Minutes generators: the offline extractive one now, LLM-backed ones later.
#include <string>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

struct GenerateOptions {
  std::string title_hint;         ///< used as the title when not empty
  int max_summary_sentences = 5;  ///< upper bound; short meetings get fewer
};

/// Turns a transcript into minutes. Implementations are thread-safe.
class MinutesGenerator {
 public:
  virtual ~MinutesGenerator() = default;
  MinutesGenerator() = default;
  MinutesGenerator(const MinutesGenerator&) = delete;
  MinutesGenerator& operator=(const MinutesGenerator&) = delete;

  /// Recorded as the artifact's generator ("extractive", "openai:gpt-4o"…).
  virtual std::string Name() const = 0;
  virtual Result<MinutesDoc> Generate(const Transcript& transcript,
                                      const GenerateOptions& options) const = 0;
};

}  // namespace minutes
