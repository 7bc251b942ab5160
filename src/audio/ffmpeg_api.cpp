#include "audio/ffmpeg_api.hpp"

#include <atomic>
#include <string>

#include "core/shared_library.hpp"

namespace minutes {
namespace {

#define MINUTES_STR2(x) #x
#define MINUTES_STR(x) MINUTES_STR2(x)
// The sonames of the major versions the headers describe, e.g. libavcodec.so.59.
constexpr const char* kAvutil = "libavutil.so." MINUTES_STR(LIBAVUTIL_VERSION_MAJOR);
constexpr const char* kSwresample = "libswresample.so." MINUTES_STR(LIBSWRESAMPLE_VERSION_MAJOR);
constexpr const char* kAvcodec = "libavcodec.so." MINUTES_STR(LIBAVCODEC_VERSION_MAJOR);
constexpr const char* kAvformat = "libavformat.so." MINUTES_STR(LIBAVFORMAT_VERSION_MAJOR);

struct Loaded {
  FfmpegApi api;
  Status status;
};

Loaded Load() {
  Loaded out;
  // The libraries stay open for the life of the process: the pointers below point into them.
  auto avutil = SharedLibrary::Open(kAvutil, "FFmpeg");
  auto swresample = SharedLibrary::Open(kSwresample, "FFmpeg");
  auto avcodec = SharedLibrary::Open(kAvcodec, "FFmpeg");
  auto avformat = SharedLibrary::Open(kAvformat, "FFmpeg");
  for (const auto* lib : {&avutil, &swresample, &avcodec, &avformat})
    if (!lib->ok()) {
      out.status = lib->status();
      return out;
    }
#define MINUTES_FFMPEG_RESOLVE(lib, fn) \
  if (out.status = lib->Resolve(#fn, &out.api.fn); !out.status.ok()) return out;
  MINUTES_FFMPEG_FUNCTIONS(MINUTES_FFMPEG_RESOLVE)
#undef MINUTES_FFMPEG_RESOLVE
  out.api.av_log_set_level(AV_LOG_QUIET);  // errors are reported through Status, not stderr
  return out;
}

std::atomic<bool> loaded{false};

const Loaded& Once() {
  static const Loaded* once = [] {
    auto* l = new Loaded(Load());  // never freed: the table lives as long as the process
    loaded = l->status.ok();
    return l;
  }();
  return *once;
}

}  // namespace

Result<const FfmpegApi*> LoadFfmpeg() {
  if (!Once().status.ok()) return Once().status;
  return &Once().api;
}

const FfmpegApi& Ffmpeg() { return Once().api; }

bool FfmpegLoaded() { return loaded; }

std::string AvError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  Ffmpeg().av_strerror(code, buf, sizeof buf);
  return buf;
}

}  // namespace minutes
