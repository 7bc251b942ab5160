#pragma once
// Finding the segments of a transcript that answer a question: BM25 over words (and, for
// Chinese and other unspaced scripts, single characters and character pairs).
#include <string>
#include <vector>

#include "core/transcript.hpp"

namespace minutes {

/// The terms of `text`: lower-cased words without stopwords; CJK characters and their pairs.
std::vector<std::string> SearchTerms(const std::string& text);

/// Indexes of the (at most) `k` segments that best match `question`, best first; segments that
/// share no term with it are left out.
std::vector<size_t> BestSegments(const Transcript& transcript, const std::string& question,
                                 size_t k);

}  // namespace minutes
