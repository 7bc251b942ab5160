#pragma once
// Is this a recording? FFmpeg's own probe on the first bytes of an upload, before any decoding.
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace minutes {

/// How many leading bytes SniffMediaFormat wants (fewer are fine for short files).
constexpr size_t kSniffBytes = 64 * 1024;

/// The container FFmpeg recognises in `head` (e.g. "wav", "mp3", "mov,mp4,m4a,3gp,3g2,mj2")
/// when it is an audio or video container; BadInput "not an audio or video file" otherwise —
/// text, images, subtitles and archives are refused even if a client labels them audio/*.
Result<std::string> SniffMediaFormat(std::string_view head);

}  // namespace minutes
