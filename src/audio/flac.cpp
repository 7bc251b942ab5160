#include "audio/flac.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "audio/ffmpeg_api.hpp"

namespace minutes {
namespace {

// The STREAMINFO metadata block is 34 bytes (FLAC format, section "METADATA_BLOCK_STREAMINFO").
constexpr int kStreamInfoBytes = 34;

// Moves every packet the encoder has ready onto `out`.
Status Drain(AVCodecContext* c, AVPacket* p, std::string* out) {
  for (;;) {
    int rc = Ffmpeg().avcodec_receive_packet(c, p);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Status::Ok();
    if (rc < 0) return Status::Internal("FLAC encoding failed: " + AvError(rc));
    out->append(reinterpret_cast<const char*>(p->data), static_cast<size_t>(p->size));
    Ffmpeg().av_packet_unref(p);
  }
}

}  // namespace

Result<std::string> EncodeFlac(std::span<const int16_t> samples, int rate) {
  if (auto ff = LoadFfmpeg(); !ff.ok()) return ff.status();
  const AVCodec* codec = Ffmpeg().avcodec_find_encoder(AV_CODEC_ID_FLAC);
  if (codec == nullptr) return Status::Internal("this FFmpeg has no FLAC encoder");
  std::unique_ptr<AVCodecContext, CodecFreer> c(Ffmpeg().avcodec_alloc_context3(codec));
  std::unique_ptr<AVFrame, FrameFreer> frame(Ffmpeg().av_frame_alloc());
  std::unique_ptr<AVPacket, PacketFreer> packet(Ffmpeg().av_packet_alloc());
  if (!c || !frame || !packet) return Status::Internal("out of memory for the FLAC encoder");
  c->sample_fmt = AV_SAMPLE_FMT_S16;
  c->sample_rate = rate;
  Ffmpeg().av_channel_layout_default(&c->ch_layout, 1);
  if (int rc = Ffmpeg().avcodec_open2(c.get(), codec, nullptr); rc < 0)
    return Status::Internal("cannot start the FLAC encoder: " + AvError(rc));
  std::string frames;
  const size_t block = c->frame_size > 0 ? static_cast<size_t>(c->frame_size) : 4096;
  for (size_t at = 0; at < samples.size(); at += block) {
    const size_t n = std::min(block, samples.size() - at);
    frame->nb_samples = static_cast<int>(n);
    frame->format = AV_SAMPLE_FMT_S16;
    frame->sample_rate = rate;
    Ffmpeg().av_channel_layout_default(&frame->ch_layout, 1);
    if (int rc = Ffmpeg().av_frame_get_buffer(frame.get(), 0); rc < 0)
      return Status::Internal("out of memory for a FLAC frame: " + AvError(rc));
    std::memcpy(frame->data[0], samples.data() + at, n * sizeof(int16_t));
    int rc = Ffmpeg().avcodec_send_frame(c.get(), frame.get());
    Ffmpeg().av_frame_unref(frame.get());
    if (rc < 0) return Status::Internal("FLAC encoding failed: " + AvError(rc));
    if (Status s = Drain(c.get(), packet.get(), &frames); !s.ok()) return s;
  }
  Ffmpeg().avcodec_send_frame(c.get(), nullptr);  // flush: the encoder finishes STREAMINFO
  if (Status s = Drain(c.get(), packet.get(), &frames); !s.ok()) return s;
  // The encoder keeps STREAMINFO, final once flushed, in the context's extradata; the file is
  // the marker, that one (last) metadata block and the frames — what FFmpeg's FLAC muxer writes.
  if (c->extradata == nullptr || c->extradata_size < kStreamInfoBytes)
    return Status::Internal("the FLAC encoder gave no STREAMINFO");
  std::string out = "fLaC";
  out += static_cast<char>(0x80);  // last metadata block, type 0 (STREAMINFO)
  out += '\0';
  out += '\0';
  out += static_cast<char>(kStreamInfoBytes);
  out.append(reinterpret_cast<const char*>(c->extradata), kStreamInfoBytes);
  out += frames;
  return out;
}

}  // namespace minutes
