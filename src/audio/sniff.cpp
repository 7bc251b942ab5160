#include "audio/sniff.hpp"

#include <set>
#include <sstream>
#include <vector>

#include "audio/ffmpeg_api.hpp"

namespace minutes {
namespace {

// Containers that carry recordings. FFmpeg also recognises images, subtitles and playlists by
// content; those are not recordings, so the list says what is welcome rather than what is not.
bool IsMediaContainer(const std::string& names) {
  static const std::set<std::string> kMedia = {
      "wav",   "w64",      "mp3",   "ogg",  "flac", "mov",    "mp4",   "m4a", "3gp", "3g2",
      "mj2",   "matroska", "webm",  "aac",  "amr",  "amrnb",  "amrwb", "asf", "avi", "caf",
      "aiff",  "au",       "ac3",   "eac3", "mpeg", "mpegts", "flv",   "wv",  "ape", "tta",
      "dts",   "truehd",   "mlp",   "opus", "voc",  "rm",     "dv",    "nut", "mxf", "oma",
      "ircam", "sox",      "wsaud", "xwma", "mpc",  "mpc8",   "tak",   "dsf", "aa"};
  std::stringstream ss(names);
  std::string name;
  while (std::getline(ss, name, ','))
    if (kMedia.count(name)) return true;
  return false;
}

}  // namespace

Result<std::string> SniffMediaFormat(std::string_view head) {
  if (head.empty()) return Status::BadInput("the recording is empty");
  // FFmpeg's probes may read past the end: it asks for zeroed padding after the data.
  std::vector<unsigned char> buf(head.size() + AVPROBE_PADDING_SIZE, 0);
  std::copy(head.begin(), head.end(), buf.begin());
  AVProbeData pd{};
  pd.filename = "";
  pd.buf = buf.data();
  pd.buf_size = static_cast<int>(head.size());
  auto ff = LoadFfmpeg();
  if (!ff.ok()) return ff.status();
  int score = 0;
  const AVInputFormat* fmt = (*ff)->av_probe_input_format2(&pd, 1, &score);
  if (!fmt || score < AVPROBE_SCORE_EXTENSION / 2 || !IsMediaContainer(fmt->name))
    return Status::UnsupportedMedia(
        "not an audio or video file" +
        (fmt ? std::string(" (looks like ") + fmt->long_name + ")" : ""));
  return std::string(fmt->name);
}

}  // namespace minutes
