#pragma once
// Clustering of speaker embeddings: pure functions, no I/O.
#include <vector>

namespace minutes {

using Embedding = std::vector<float>;

/// Scales every dimension to zero mean and unit variance across the given embeddings.
void Standardize(std::vector<Embedding>* xs);

/// Cosine distance 1 - cos(a, b), in [0, 2].
double CosineDistance(const Embedding& a, const Embedding& b);

/// Agglomerative average-linkage clustering of weighted points.
/// With `k` > 0 the result has exactly min(k, n) clusters; with k == 0 the number in
/// [1, max_k] with the best silhouette is chosen (1 when no split has a silhouette above
/// `min_silhouette`, or when the last merge joined groups closer than `min_split_distance`).
/// Returns a label per point, 0-based in order of first appearance.
std::vector<int> ClusterEmbeddings(const std::vector<Embedding>& xs,
                                   const std::vector<double>& weights, int k, int max_k,
                                   double min_silhouette = 0.15, double min_split_distance = 0.7);

/// Mean silhouette of a labelling under cosine distance, weighted; 0 for a single cluster.
double Silhouette(const std::vector<std::vector<double>>& dist, const std::vector<int>& labels,
                  const std::vector<double>& weights);

}  // namespace minutes
