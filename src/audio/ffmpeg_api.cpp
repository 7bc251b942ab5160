#include "audio/ffmpeg_api.hpp"

#include <dlfcn.h>

#include <atomic>
#include <string>

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

Status Open(const char* soname, void** handle) {
  *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (*handle) return Status::Ok();
  const char* why = dlerror();
  return Status(ErrorKind::kUnavailable,
                std::string("cannot load FFmpeg (") + soname + "): " + (why ? why : "unknown"));
}

Loaded Load() {
  Loaded out;
  void* avutil = nullptr;
  void* swresample = nullptr;
  void* avcodec = nullptr;
  void* avformat = nullptr;
  for (auto [name, handle] : {std::pair{kAvutil, &avutil}, std::pair{kSwresample, &swresample},
                              std::pair{kAvcodec, &avcodec}, std::pair{kAvformat, &avformat}}) {
    if (out.status = Open(name, handle); !out.status.ok()) return out;
  }
  // The handles stay open for the life of the process: the pointers below point into them.
#define MINUTES_FFMPEG_RESOLVE(lib, fn)                                                     \
  out.api.fn = reinterpret_cast<decltype(&::fn)>(dlsym(lib, #fn));                          \
  if (!out.api.fn) {                                                                        \
    out.status = Status(ErrorKind::kUnavailable, "FFmpeg's " #lib " has no function " #fn); \
    return out;                                                                             \
  }
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

}  // namespace minutes
