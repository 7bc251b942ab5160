#pragma once
// Joining recognised words and speaker turns into transcript segments. Pure, no I/O.
#include <vector>

#include "audio/vad.hpp"
#include "core/transcript.hpp"
#include "diarize/diarizer.hpp"

namespace minutes {

/// Builds segments from per-utterance words and diarization turns: each word goes to the
/// speaker whose turn covers its midpoint, an utterance is split where the speaker changes,
/// utterances without words are dropped, and speakers are renamed S1, S2… in order of first
/// appearance with their talk time. `words[i]` belongs to `utterances[i]`.
Transcript AssembleTranscript(const std::vector<Utterance>& utterances,
                              const std::vector<std::vector<Word>>& words,
                              const std::vector<SpeakerTurn>& turns, double duration);

}  // namespace minutes
