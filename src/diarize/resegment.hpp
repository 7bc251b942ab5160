#pragma once
// Viterbi resegmentation: each short block of frames goes to the speaker whose GMM explains it
// best, with a cost for changing speaker. Pure functions, no I/O.
#include <cstddef>
#include <vector>

#include "diarize/gmm.hpp"

namespace minutes {

/// Per-frame log-likelihoods under each speaker model, scored on the components the
/// background model's alignment lists for each frame: frames [begin, end) × models, row-major.
std::vector<double> FrameScores(const Cepstra& frames, size_t begin, size_t end,
                                const DiagonalGmm::Alignment& alignment,
                                const std::vector<DiagonalGmm>& speakers);

/// The speaker of each block of `block` frames (the last block may be shorter) that maximises
/// the summed scores minus `switch_penalty` per change of speaker. `scores` as FrameScores
/// returns for `models` speakers.
std::vector<int> ViterbiBlocks(const std::vector<double>& scores, size_t models, size_t block,
                               double switch_penalty);

}  // namespace minutes
