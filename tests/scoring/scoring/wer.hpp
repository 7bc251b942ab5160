#pragma once
// Word error rate, computed the way NIST sclite does, for scoring recognizer output in tests.
#include <string>
#include <string_view>
#include <vector>

namespace minutes::scoring {

/// Outcome of aligning a hypothesis word sequence against a reference.
struct WerResult {
  int substitutions = 0;
  int deletions = 0;
  int insertions = 0;
  int hits = 0;       ///< reference words matched exactly
  int ref_words = 0;  ///< words in the reference
  /// (substitutions + deletions + insertions) / ref_words. With an empty reference: 0 when
  /// the hypothesis is empty too, else 1.
  double wer = 0;

  int errors() const { return substitutions + deletions + insertions; }
};

/// Aligns `hyp` to `ref` word by word (weighted Levenshtein with sclite's costs: substitution 4,
/// insertion 3, deletion 3, and sclite's tie-breaking) and counts the errors. Words are
/// compared exactly; normalise them first (minutes::NormalizeWords).
WerResult ComputeWer(const std::vector<std::string>& ref, const std::vector<std::string>& hyp);

/// ComputeWer on two texts split into words with minutes::NormalizeWords.
WerResult ComputeTextWer(std::string_view ref_text, std::string_view hyp_text);

/// Words of a NIST STM file, in file order, normalised with minutes::NormalizeWords: the
/// transcripts of all segments concatenated. ";;" comment lines, the optional "<...>" label
/// field and IGNORE_TIME_SEGMENT_IN_SCORING segments are skipped. Returns an empty vector and
/// sets *error (when given) if the file cannot be read or a line is malformed.
std::vector<std::string> ReadStmWords(const std::string& path, std::string* error = nullptr);

}  // namespace minutes::scoring
