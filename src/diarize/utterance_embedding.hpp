#pragma once
// What the clustering compares for each utterance. Pure functions, no I/O.
#include <cstddef>
#include <utility>
#include <vector>

#include "diarize/clustering.hpp"
#include "diarize/gmm.hpp"

namespace minutes {

/// Frames [first, second) of one utterance.
using FrameRange = std::pair<size_t, size_t>;

/// Per utterance, its supervector (how it says each of the background model's sound classes,
/// centred over the utterances given) joined to the mean of its 1 s windows' cepstral
/// statistics (the voice's overall colour, standardised over all windows), each half scaled to
/// unit length so that both count alike in a cosine distance. `stats[i]` are the background
/// model's statistics of `ranges[i]`.
std::vector<Embedding> UtteranceEmbeddings(const Cepstra& frames,
                                           const std::vector<FrameRange>& ranges,
                                           const std::vector<DiagonalGmm::Stats>& stats,
                                           const DiagonalGmm& background, double relevance);

}  // namespace minutes
