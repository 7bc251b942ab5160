#pragma once
// The embedded diarizer: the recording's own background GMM, a supervector per utterance,
// agglomerative clustering, Viterbi resegmentation with a GMM per speaker, and ΔBIC merging of
// speakers that are one voice. docs/design.md#diarization has the steps.
#include <memory>

#include "diarize/diarizer.hpp"

namespace minutes {

/// Tunables of the local diarizer; defaults were chosen on the development set that
/// tests/data/make-diarization-set.sh makes (real voices and long synthesized meetings).
struct LocalDiarizerParams {
  int components = 8;               ///< Gaussians in the recording's background model
  double relevance = 4.0;           ///< MAP relevance factor (frames) of supervectors and models
  double block_s = 0.1;             ///< resegmentation step
  double min_cluster_s = 1.0;       ///< shorter utterances are assigned after clustering
  size_t max_cluster_points = 300;  ///< longest utterances clustered; the rest assigned
  double switch_penalty = 30.0;     ///< Viterbi cost (nats) of a speaker change in an utterance
  int resegment_passes = 2;         ///< speaker models re-estimated from each pass's labels
  int extra_clusters = 1;           ///< clusters beyond the silhouette's count, to be merged
  double bic_penalty = 1.0;         ///< λ of the ΔBIC that merges two speakers
  double min_divergence = 0.8;      ///< nats per frame: closer speakers are merged
};

std::unique_ptr<Diarizer> MakeLocalDiarizer(LocalDiarizerParams params = {});

}  // namespace minutes
