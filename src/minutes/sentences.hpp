#pragma once
// Splitting a transcript into sentences that remember who said them and where. No I/O.
#include <string>
#include <vector>

#include "core/transcript.hpp"

namespace minutes {

/// A sentence of a segment.
struct Sentence {
  std::string text;                ///< as in the transcript, trimmed
  std::vector<std::string> words;  ///< NormalizeWords(text)
  std::string speaker;             ///< speaker id
  std::string segment;             ///< segment id
  double start = 0;
};

/// Splits every segment on . ! ? and 。！？ (a segment without punctuation is one sentence).
std::vector<Sentence> SplitSentences(const Transcript& transcript);

/// True for English function words and fillers that carry no topic.
bool IsStopword(const std::string& word);

/// "we decided to go" -> "We decided to go." (capital first letter, final period when missing).
std::string AsSentence(const std::string& text);

}  // namespace minutes
