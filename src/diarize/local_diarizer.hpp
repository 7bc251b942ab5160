#pragma once
// The embedded diarizer: MFCC statistics, agglomerative clustering, window resegmentation.
#include <memory>

#include "diarize/diarizer.hpp"

namespace minutes {

/// Tunables of the local diarizer; defaults were chosen on synthesized meetings.
struct LocalDiarizerParams {
  double window_s = 1.0;            ///< resegmentation window
  double hop_s = 0.5;               ///< resegmentation hop
  double min_cluster_s = 1.0;       ///< shorter utterances are assigned after clustering
  size_t max_cluster_points = 300;  ///< longest utterances clustered; the rest assigned
  double switch_penalty = 1.0;      ///< Viterbi cost of a speaker change inside an utterance
};

std::unique_ptr<Diarizer> MakeLocalDiarizer(LocalDiarizerParams params = {});

}  // namespace minutes
