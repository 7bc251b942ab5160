#pragma once
// What transcription providers reply, read into words: pure functions of the reply's text, apart
// from the clients that fetch them so that they can be tested and fuzzed alone
// (provider_reply_fuzz). A reply that is not what the provider documents is Unavailable.
#include <string>
#include <vector>

#include "asr/transcriber.hpp"
#include "core/status.hpp"

namespace minutes {

/// The words of a Transcribe transcript JSON (results.items, punctuation joined to the word
/// before it, speaker labels from the items or results.speaker_labels).
Result<RecordingTranscript> ParseTranscribeTranscript(const std::string& json);

/// The words of a query reply's `result` (utterances → words in ms, additions.speaker); an
/// utterance without words is spread over its time character by character.
Result<RecordingTranscript> ParseVolcengineResult(const std::string& json);

/// The words of an OpenAI-compatible verbose_json transcription of `span` seconds of audio that
/// starts at `offset_s`: words[] when given, else segments[] (or text) spread over their time;
/// times are clamped into the span. `name` (the provider) prefixes error messages.
Result<std::vector<Word>> ParseOpenAiTranscription(const std::string& name, const std::string& body,
                                                   double span, double offset_s);

}  // namespace minutes
