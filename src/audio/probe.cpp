#include "audio/probe.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "audio/ffmpeg_api.hpp"

namespace minutes {
namespace {

constexpr int kIoBufferBytes = 256 * 1024;
constexpr int kMaxReadErrors = 50;  // like the decoder: a damaged container is read past a few

// FFmpeg reads the recording through these callbacks (custom AVIO), wherever its bytes are.
struct SourceIo {
  const MediaSource* source = nullptr;
  int64_t pos = 0;
  Status error;  ///< the source's own failure (storage), as opposed to bad bytes
};

int ReadCallback(void* opaque, uint8_t* buf, int size) {
  auto* io = static_cast<SourceIo*>(opaque);
  if (io->pos >= io->source->size) return AVERROR_EOF;
  auto n = io->source->read(io->pos, reinterpret_cast<char*>(buf), size);
  if (!n.ok()) {
    io->error = n.status();
    return AVERROR(EIO);
  }
  if (*n <= 0) return AVERROR_EOF;
  io->pos += *n;
  return static_cast<int>(*n);
}

int64_t SeekCallback(void* opaque, int64_t offset, int whence) {
  auto* io = static_cast<SourceIo*>(opaque);
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) return io->source->size;
  int64_t to = whence == SEEK_SET   ? offset
               : whence == SEEK_CUR ? io->pos + offset
               : whence == SEEK_END ? io->source->size + offset
                                    : -1;
  if (to < 0) return AVERROR(EINVAL);
  io->pos = to;
  return to;
}

// One opened recording: the format context and the AVIO context it reads through.
class Input {
 public:
  Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input() {
    if (fmt_) Ffmpeg().avformat_close_input(&fmt_);
    if (pb_) {
      Ffmpeg().av_free(pb_->buffer);  // FFmpeg may have replaced the buffer we gave it
      Ffmpeg().avio_context_free(&pb_);
    }
  }

  Status Open(const MediaSource& source) {
    io_.source = &source;
    auto* buf = static_cast<unsigned char*>(Ffmpeg().av_malloc(kIoBufferBytes));
    if (!buf) return Status::Internal("out of memory opening the recording");
    pb_ = Ffmpeg().avio_alloc_context(buf, kIoBufferBytes, 0, &io_, ReadCallback, nullptr,
                                      SeekCallback);
    if (!pb_) {
      Ffmpeg().av_free(buf);
      return Status::Internal("out of memory opening the recording");
    }
    fmt_ = Ffmpeg().avformat_alloc_context();
    if (!fmt_) return Status::Internal("out of memory opening the recording");
    fmt_->pb = pb_;
    fmt_->flags |= AVFMT_FLAG_CUSTOM_IO;
    int rc = Ffmpeg().avformat_open_input(&fmt_, nullptr, nullptr, nullptr);  // frees on failure
    if (!io_.error.ok()) return io_.error;
    if (rc < 0)
      return Status::BadInput("not a recognised audio or video file (" + AvError(rc) + ")");
    rc = Ffmpeg().avformat_find_stream_info(fmt_, nullptr);
    if (!io_.error.ok()) return io_.error;
    if (rc < 0) return Status::BadInput("cannot read stream information (" + AvError(rc) + ")");
    stream_ = Ffmpeg().av_find_best_stream(fmt_, AVMEDIA_TYPE_AUDIO, -1, -1, &codec_, 0);
    if (stream_ < 0) return Status::BadInput("the recording contains no audio track");
    return Status::Ok();
  }

  AVFormatContext* fmt() const { return fmt_; }
  AVStream* stream() const { return fmt_->streams[stream_]; }
  int stream_index() const { return stream_; }
  const AVCodec* codec() const { return codec_; }
  const Status& io_error() const { return io_.error; }

 private:
  SourceIo io_;
  AVIOContext* pb_ = nullptr;
  AVFormatContext* fmt_ = nullptr;
  const AVCodec* codec_ = nullptr;
  int stream_ = -1;
};

// What demuxing alone tells: the audio packets' summed durations, and how many there were.
struct PacketCount {
  double seconds = 0;
  int64_t packets = 0;
  bool missing_durations = false;  ///< some packet had no duration: the sum means nothing
};

Result<PacketCount> CountPackets(Input& in, double limit_s) {
  PacketCount c;
  std::unique_ptr<AVPacket, PacketFreer> pkt(Ffmpeg().av_packet_alloc());
  const double tb = av_q2d(in.stream()->time_base);
  int errors = 0;
  for (;;) {
    int rc = Ffmpeg().av_read_frame(in.fmt(), pkt.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      if (!in.io_error().ok()) return in.io_error();
      if (rc != AVERROR_INVALIDDATA || ++errors > kMaxReadErrors) break;
      continue;
    }
    if (pkt->stream_index == in.stream_index()) {
      if (pkt->duration <= 0) c.missing_durations = true;
      c.seconds += static_cast<double>(pkt->duration) * tb;
      c.packets++;
    }
    Ffmpeg().av_packet_unref(pkt.get());
    if (c.missing_durations || (limit_s > 0 && c.seconds > limit_s)) break;
  }
  if (!in.io_error().ok()) return in.io_error();
  return c;
}

// Decodes the audio track, summing the samples of every frame until the end or past the limit.
Result<double> CountDecoded(const MediaSource& source, double limit_s) {
  Input in;
  if (Status s = in.Open(source); !s.ok()) return s;
  if (!in.codec()) return 0.0;  // FFmpeg cannot decode it: the worker will say so
  std::unique_ptr<AVCodecContext, CodecFreer> dec(Ffmpeg().avcodec_alloc_context3(in.codec()));
  if (!dec) return Status::Internal("out of memory allocating a decoder");
  Ffmpeg().avcodec_parameters_to_context(dec.get(), in.stream()->codecpar);
  if (Ffmpeg().avcodec_open2(dec.get(), in.codec(), nullptr) < 0) return 0.0;
  std::unique_ptr<AVPacket, PacketFreer> pkt(Ffmpeg().av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFreer> frame(Ffmpeg().av_frame_alloc());
  double seconds = 0;
  auto drain = [&] {
    while (Ffmpeg().avcodec_receive_frame(dec.get(), frame.get()) == 0) {
      int rate = frame->sample_rate > 0 ? frame->sample_rate : dec->sample_rate;
      if (rate > 0) seconds += static_cast<double>(frame->nb_samples) / rate;
      Ffmpeg().av_frame_unref(frame.get());
    }
  };
  int errors = 0;
  while (limit_s <= 0 || seconds <= limit_s) {
    int rc = Ffmpeg().av_read_frame(in.fmt(), pkt.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      if (!in.io_error().ok()) return in.io_error();
      if (rc != AVERROR_INVALIDDATA || ++errors > kMaxReadErrors) break;
      continue;
    }
    if (pkt->stream_index == in.stream_index()) {
      Ffmpeg().avcodec_send_packet(dec.get(), pkt.get());
      drain();
    }
    Ffmpeg().av_packet_unref(pkt.get());
  }
  if (!in.io_error().ok()) return in.io_error();
  Ffmpeg().avcodec_send_packet(dec.get(), nullptr);
  drain();
  return seconds;
}

}  // namespace

Result<DurationProbe> ProbeDuration(const MediaSource& source, double limit_s) {
  if (auto ff = LoadFfmpeg(); !ff.ok()) return ff.status();
  if (source.size <= 0) return Status::BadInput("the recording is empty");
  DurationProbe p;
  Input in;
  if (Status s = in.Open(source); !s.ok()) return s;
  p.container = in.fmt()->iformat ? in.fmt()->iformat->name : "";
  const AVStream* st = in.stream();
  if (st->duration > 0)
    p.declared_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
  else if (in.fmt()->duration > 0)
    p.declared_s = static_cast<double>(in.fmt()->duration) / AV_TIME_BASE;
  // A duration guessed from the bitrate (raw MP3 or AAC streams) says nothing either way.
  const bool guessed = in.fmt()->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE;
  if (guessed) p.declared_s = 0;
  if (limit_s > 0 && p.declared_s > limit_s) {
    p.over_limit = true;
    return p;
  }
  // Uncompressed PCM cannot hold more audio than its bytes make: when all of them could not
  // pass the limit, nothing needs reading (a 1 GB WAV of 48 kHz stereo is 1.6 h).
  const AVCodecParameters* pcm = st->codecpar;
  if (pcm->codec_id >= AV_CODEC_ID_PCM_S16LE && pcm->codec_id < AV_CODEC_ID_ADPCM_IMA_QT &&
      pcm->sample_rate > 0 && p.declared_s > 0) {
    int64_t per_second = pcm->block_align > 0
                             ? int64_t{pcm->block_align} * pcm->sample_rate
                             : int64_t{pcm->bits_per_coded_sample} * pcm->ch_layout.nb_channels *
                                   pcm->sample_rate / 8;
    if (per_second > 0 && limit_s > 0 &&
        static_cast<double>(source.size) / static_cast<double>(per_second) <= limit_s)
      return p;
  }
  auto packets = CountPackets(in, limit_s);
  if (!packets.ok()) return packets.status();
  p.counted_s = packets->seconds;
  if (limit_s > 0 && p.counted_s > limit_s) {
    p.over_limit = true;
    return p;
  }
  // Doubt: packet durations missing, or not matching what the container says, or fewer
  // seconds than the packets can hold when the codec has fixed-size frames (timestamps
  // in an index table can claim anything; a frame of 1024 samples decodes to 1024).
  bool doubt =
      packets->missing_durations ||
      (p.declared_s > 0 && std::fabs(p.counted_s - p.declared_s) > 0.02 * p.declared_s + 1.0);
  const AVCodecParameters* par = st->codecpar;
  if (par->frame_size > 0 && par->sample_rate > 0) {
    double by_frames = static_cast<double>(packets->packets) * par->frame_size / par->sample_rate;
    if (by_frames > p.counted_s * 1.02 + 1.0) doubt = true;
  }
  if (!doubt) return p;
  auto decoded = CountDecoded(source, limit_s);
  if (!decoded.ok()) return decoded.status();
  p.decoded = true;
  p.counted_s = *decoded;
  p.over_limit = limit_s > 0 && p.counted_s > limit_s;
  return p;
}

Result<MediaSource> FileMediaSource(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Status::NotFound(path + ": no such file");
  std::shared_ptr<FILE> f(std::fopen(path.c_str(), "rb"), [](FILE* p) {
    if (p) std::fclose(p);
  });
  if (!f) return Status::Io("cannot open " + path);
  MediaSource m;
  m.size = static_cast<int64_t>(st.st_size);
  m.read = [f, path](int64_t offset, char* buf, int64_t len) -> Result<int64_t> {
    if (std::fseek(f.get(), static_cast<long>(offset), SEEK_SET) != 0)
      return Status::Io("cannot seek in " + path);
    size_t n = std::fread(buf, 1, static_cast<size_t>(len), f.get());
    if (n == 0 && std::ferror(f.get())) return Status::Io("cannot read " + path);
    return static_cast<int64_t>(n);
  };
  return m;
}

}  // namespace minutes
