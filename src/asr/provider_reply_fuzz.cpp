// libFuzzer target for what providers reply: Amazon Transcribe transcripts, Volcengine query
// results and OpenAI-compatible transcriptions (asr), and OpenAI-compatible, Gemini and Bedrock
// chat completions (llm). Input: one byte choosing the reader, then the reply body. Checked:
// nothing throws, a refusal is Unavailable, and what is read is sane: every time finite with
// end >= start (and inside the audio for OpenAI), words in time order, confidences in [0, 1],
// token counts not negative.
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "asr/provider_replies.hpp"
#include "llm/provider_replies.hpp"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& input) {
  std::fprintf(stderr, "provider_reply_fuzz: %s: %s\n", what, input.c_str());
  std::abort();
}

void CheckWord(const minutes::Word& w, const std::string& input) {
  if (!std::isfinite(w.start) || !std::isfinite(w.end)) Fail("a time is not finite", input);
  if (w.end < w.start) Fail("a word ends before it starts", input);
  if (!(w.confidence >= 0 && w.confidence <= 1)) Fail("a confidence outside [0, 1]", input);
}

void CheckRecording(const minutes::Result<minutes::RecordingTranscript>& r,
                    const std::string& input) {
  if (!r.ok()) {
    if (r.status().kind() != minutes::ErrorKind::kUnavailable)
      Fail("refused with an unexpected kind", input);
    return;
  }
  for (size_t i = 0; i < r->words.size(); ++i) {
    CheckWord(r->words[i].word, input);
    if (i > 0 && r->words[i].word.start < r->words[i - 1].word.start)
      Fail("words out of time order", input);
  }
}

void CheckCompletion(const minutes::Result<minutes::Completion>& c, const std::string& input) {
  if (!c.ok()) {
    if (c.status().kind() != minutes::ErrorKind::kUnavailable)
      Fail("refused with an unexpected kind", input);
    return;
  }
  if (c->tokens_in < 0 || c->tokens_out < 0) Fail("a negative token count", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 6) {
    case 0:
      CheckRecording(minutes::ParseTranscribeTranscript(body), body);
      break;
    case 1:
      CheckRecording(minutes::ParseVolcengineResult(body), body);
      break;
    case 2: {
      const double span = 30, offset = 600;
      auto words = minutes::ParseOpenAiTranscription("openai", body, span, offset);
      if (!words.ok()) {
        if (words.status().kind() != minutes::ErrorKind::kUnavailable)
          Fail("refused with an unexpected kind", body);
        break;
      }
      for (const auto& w : *words) {
        CheckWord(w, body);
        if (w.start < offset || w.end > offset + span) Fail("a word outside the audio", body);
      }
      break;
    }
    case 3:
      CheckCompletion(minutes::ParseOpenAiChatReply("openai", body), body);
      break;
    case 4:
      CheckCompletion(minutes::ParseGeminiReply("gemini", body), body);
      break;
    default:
      CheckCompletion(minutes::ParseBedrockReply("bedrock", body), body);
  }
  return 0;
}
