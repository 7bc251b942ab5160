#pragma once
// Diarization error rate, computed the way NIST md-eval does, for scoring speaker turns in tests.
#include <map>
#include <string>
#include <vector>

#include "core/transcript.hpp"

namespace minutes::scoring {

/// One stretch of speech by one speaker; times in seconds.
struct Turn {
  std::string speaker;
  double start = 0;
  double end = 0;
};

/// Diarization error breakdown; times are seconds of speaker time.
struct DerResult {
  double missed = 0;       ///< reference speaker time with no hypothesis speaker to cover it
  double false_alarm = 0;  ///< hypothesis speaker time beyond the reference speakers present
  double confusion = 0;    ///< speaker time attributed to the wrong (unmapped) speaker
  double total = 0;        ///< scored reference speaker time (overlaps count once per speaker)
  double der = 0;          ///< (missed + false_alarm + confusion) / total; 0 when total is 0
  std::map<std::string, std::string> mapping;  ///< reference speaker -> hypothesis speaker
};

/// NIST-style DER, matching md-eval.pl (-c collar, no UEM):
///  * the scored region spans the first reference start to the last reference end, minus a
///    no-score zone of +/- collar seconds around every reference turn boundary;
///  * overlapping speech is scored: at each instant, with R reference and H hypothesis speakers
///    active, missed += max(R-H, 0), false alarm += max(H-R, 0), confusion += min(R, H) minus
///    the correctly mapped speakers;
///  * hypothesis speakers are mapped one-to-one to reference speakers to maximise their total
///    overlap (Hungarian algorithm), measured over the region before collars are removed.
/// Turns with end <= start are ignored; overlapping turns of one speaker count once.
DerResult ComputeDer(const std::vector<Turn>& ref, const std::vector<Turn>& hyp,
                     double collar = 0.25);

/// SPEAKER lines of a NIST RTTM file (all files/channels), in file order. Returns an empty
/// vector and sets *error (when given) if the file cannot be read or a line is malformed.
std::vector<Turn> ReadRttm(const std::string& path, std::string* error = nullptr);

/// Turns of transcript segments (speaker, start, end).
std::vector<Turn> TurnsFromSegments(const std::vector<Segment>& segments);

}  // namespace minutes::scoring
