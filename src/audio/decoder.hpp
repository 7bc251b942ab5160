#pragma once
// Audio ingest: decode any container/codec FFmpeg knows to 16 kHz mono 16-bit PCM, streamed.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "core/status.hpp"

namespace minutes {

constexpr int kSampleRate = 16000;

/// What was decoded, for the transcript and for error messages.
struct DecodeInfo {
  std::string container;        ///< FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;            ///< audio codec name, e.g. "aac"
  int source_rate = 0;          ///< input sample rate
  int source_channels = 0;      ///< input channel count
  double declared_seconds = 0;  ///< duration the container claims (0 when unknown)
  int64_t samples = 0;          ///< 16 kHz samples delivered to the sink
  double seconds() const { return static_cast<double>(samples) / kSampleRate; }
};

/// Receives consecutive blocks of 16 kHz mono samples; returning a non-ok Status stops decoding.
using PcmSink = std::function<Status(std::span<const int16_t>)>;

/// Decodes `path`, resampled to 16 kHz mono, delivering blocks (a few thousand samples each) to
/// `sink`; memory use does not depend on the file's length. Empty, truncated, corrupt, non-media
/// or audio-less files give Status::BadInput whose message names the file and the reason.
/// Thread-safe: each call uses its own FFmpeg contexts.
Status DecodeAudio(const std::string& path, const PcmSink& sink, DecodeInfo* info);

}  // namespace minutes
