#pragma once
// FFmpeg's functions, loaded with dlopen on first use. libavcodec and libavformat depend on ~130
// shared libraries (codecs, X11, GnuTLS, ...); linking them would map all of those into every
// process at start, including an API server that has not yet seen a recording. Loading them on
// demand keeps the idle server small; the headers still type-check every call.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>
}

#include <string>

#include "core/status.hpp"

namespace minutes {

// X(library, function) for every FFmpeg function the audio room calls.
#define MINUTES_FFMPEG_FUNCTIONS(X)         \
  X(avutil, av_log_set_level)               \
  X(avutil, av_strerror)                    \
  X(avutil, av_channel_layout_default)      \
  X(avutil, av_channel_layout_uninit)       \
  X(avutil, av_frame_alloc)                 \
  X(avutil, av_frame_free)                  \
  X(avutil, av_frame_unref)                 \
  X(avutil, av_malloc)                      \
  X(avutil, av_free)                        \
  X(swresample, swr_alloc_set_opts2)        \
  X(swresample, swr_init)                   \
  X(swresample, swr_get_out_samples)        \
  X(swresample, swr_convert)                \
  X(swresample, swr_free)                   \
  X(avcodec, avcodec_alloc_context3)        \
  X(avcodec, avcodec_free_context)          \
  X(avcodec, avcodec_parameters_to_context) \
  X(avcodec, avcodec_open2)                 \
  X(avcodec, avcodec_send_packet)           \
  X(avcodec, avcodec_receive_frame)         \
  X(avcodec, av_packet_alloc)               \
  X(avcodec, av_packet_free)                \
  X(avcodec, av_packet_unref)               \
  X(avcodec, avcodec_find_encoder)          \
  X(avcodec, avcodec_send_frame)            \
  X(avcodec, avcodec_receive_packet)        \
  X(avutil, av_frame_get_buffer)            \
  X(avformat, avformat_open_input)          \
  X(avformat, avformat_find_stream_info)    \
  X(avformat, avformat_close_input)         \
  X(avformat, av_find_best_stream)          \
  X(avformat, av_read_frame)                \
  X(avformat, av_probe_input_format2)       \
  X(avformat, avformat_alloc_context)       \
  X(avformat, avio_alloc_context)           \
  X(avformat, avio_context_free)

/// Pointers to the FFmpeg functions above, resolved from the libraries the headers belong to.
struct FfmpegApi {
#define MINUTES_FFMPEG_POINTER(lib, fn) decltype(&::fn) fn = nullptr;
  MINUTES_FFMPEG_FUNCTIONS(MINUTES_FFMPEG_POINTER)
#undef MINUTES_FFMPEG_POINTER
};

/// Loads FFmpeg once per process (thread-safe); later calls return the same table or error.
/// The error names the library or symbol that could not be loaded.
Result<const FfmpegApi*> LoadFfmpeg();

/// The table LoadFfmpeg returned; call only after LoadFfmpeg has succeeded.
const FfmpegApi& Ffmpeg();

/// True once LoadFfmpeg has succeeded in this process (for tests and diagnostics).
bool FfmpegLoaded();

/// FFmpeg's text for an error code (AVERROR_*).
std::string AvError(int code);

// Deleters for std::unique_ptr over FFmpeg's objects.
struct FormatCloser {
  void operator()(AVFormatContext* c) const { Ffmpeg().avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { Ffmpeg().avcodec_free_context(&c); }
};
struct SwrFreer {
  void operator()(SwrContext* c) const { Ffmpeg().swr_free(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { Ffmpeg().av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { Ffmpeg().av_packet_free(&p); }
};

}  // namespace minutes
