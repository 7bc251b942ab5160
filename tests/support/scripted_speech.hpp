#pragma once
// What the local speech services "hear": a script of lines (speaker, start, end, text) that
// they return as their own transcript formats, the words spread evenly over each line, and
// only the lines that fall inside the audio they were actually given. Also the WAV checks
// they share (RIFF/WAVE, 16-bit PCM, the rate, the duration).
#include <string>
#include <vector>

namespace minutes::testing {

struct ScriptLine {
  std::string speaker;  ///< the provider's label ("spk_0", "1")
  double start = 0, end = 0;
  std::string text;  ///< words separated by spaces
};

struct ScriptWord {
  std::string speaker, text;
  double start = 0, end = 0;
};

/// The script's words inside [0, seconds], spread evenly over their lines.
std::vector<ScriptWord> ScriptWords(const std::vector<ScriptLine>& script, double seconds);

/// A synthesized meeting's true lines (tools/synth-meeting's reference.json), speakers
/// relabelled `prefix`0, `prefix`1… in order of appearance: what a provider that heard them
/// perfectly would return.
std::vector<ScriptLine> ScriptFromReference(const std::string& reference_json,
                                            const std::string& prefix);

/// "" when `wav` is a 16-bit PCM WAV at `rate` Hz (its duration in *seconds), else what is wrong.
std::string CheckWav(const std::string& wav, int rate, double* seconds);

/// GETs `url` (http://host:port/path?query) and returns the body, or "" with *status set.
std::string HttpGet(const std::string& url, int* status);

}  // namespace minutes::testing
