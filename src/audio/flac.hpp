#pragma once
// 16-bit mono PCM as a FLAC file in memory: lossless, about half the size of a WAV of speech, and
// accepted by every transcription API that takes WAV (OpenAI, Groq, whisper.cpp's server).
#include <cstdint>
#include <span>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// The bytes of a FLAC file ("fLaC", STREAMINFO with the sample count and MD5, the frames) of
/// `samples` at `rate` Hz, encoded with FFmpeg's FLAC encoder (loaded on first use).
Result<std::string> EncodeFlac(std::span<const int16_t> samples, int rate);

}  // namespace minutes
