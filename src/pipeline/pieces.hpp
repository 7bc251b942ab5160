#pragma once
// Pieces for providers that bill per request: consecutive utterances packed into one stretch of
// audio of up to a few minutes, the pauses between them squeezed, cut only between utterances
// (an utterance longer than a piece is cut at the limit). A piece remembers where each of its
// stretches lies in the recording, so that word times the provider gives inside the piece map
// back to the recording.
#include <cstdint>
#include <vector>

#include "audio/decoder.hpp"
#include "audio/vad.hpp"

namespace minutes {

/// A stretch of the recording [start, end) (samples) placed at `at` samples into its piece.
struct PieceSpan {
  int64_t start = 0, end = 0;
  int64_t at = 0;
};

struct Piece {
  std::vector<PieceSpan> spans;  ///< in time order, end to end in the piece
  int64_t samples() const {
    return spans.empty() ? 0 : spans.back().at + spans.back().end - spans.back().start;
  }
  /// A time in the piece's audio (s) → the same moment in the recording (s). Times past the
  /// piece's end stay at its end.
  double ToRecording(double t) const;
};

/// Packs `utts` (in time order) into pieces of at most `piece_s` seconds; a pause between two
/// utterances of one piece keeps at most `gap_s` seconds of itself (the part just before the
/// next utterance). Pieces are in time order and cover every utterance exactly once.
std::vector<Piece> PackPieces(const std::vector<Utterance>& utts, double piece_s, double gap_s);

/// Splits pieces into at most `runs` runs of consecutive pieces, about equally long, so that
/// each run can go to the provider in order (each piece with the text of the one before).
std::vector<std::vector<size_t>> ContiguousRuns(const std::vector<Piece>& pieces, int runs);

}  // namespace minutes
