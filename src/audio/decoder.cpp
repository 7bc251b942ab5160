#include "audio/decoder.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "audio/ffmpeg_api.hpp"

namespace minutes {
namespace {

Status Bad(const std::string& path, const std::string& reason) {
  return Status::BadInput(path + ": " + reason);
}

// Counts decode errors; a file with many is corrupt rather than slightly damaged.
struct DecodeHealth {
  int frames_ok = 0;
  int errors = 0;
  std::string last_error;
};

class Decoder {
 public:
  Decoder(const std::string& path, const PcmSink& sink, DecodeInfo* info)
      : path_(path), sink_(sink), info_(info) {}

  Status Run() {
    struct stat st {};
    if (stat(path_.c_str(), &st) != 0) return Status::NotFound(path_ + ": no such file");
    if (S_ISDIR(st.st_mode)) return Bad(path_, "is a directory, not a media file");
    if (st.st_size == 0) return Bad(path_, "file is empty");

    AVFormatContext* raw = nullptr;
    int rc = Ffmpeg().avformat_open_input(&raw, path_.c_str(), nullptr, nullptr);
    if (rc < 0) return Bad(path_, "not a recognised audio or video file (" + AvError(rc) + ")");
    fmt_.reset(raw);
    rc = Ffmpeg().avformat_find_stream_info(fmt_.get(), nullptr);
    if (rc < 0) return Bad(path_, "cannot read stream information (" + AvError(rc) + ")");
    info_->container = fmt_->iformat ? fmt_->iformat->name : "";

    const AVCodec* codec = nullptr;
    stream_ = Ffmpeg().av_find_best_stream(fmt_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream_ < 0) return Bad(path_, "contains no audio track");
    if (!codec) return Bad(path_, "audio codec is not supported by this build of FFmpeg");
    AVStream* st_audio = fmt_->streams[stream_];
    info_->codec = codec->name;
    if (st_audio->duration > 0) {
      stream_declared_ = st_audio->duration * av_q2d(st_audio->time_base);
      info_->declared_seconds = stream_declared_;
    } else if (fmt_->duration > 0)
      info_->declared_seconds = static_cast<double>(fmt_->duration) / AV_TIME_BASE;

    dec_.reset(Ffmpeg().avcodec_alloc_context3(codec));
    if (!dec_) return Status::Internal("out of memory allocating decoder");
    Ffmpeg().avcodec_parameters_to_context(dec_.get(), st_audio->codecpar);
    rc = Ffmpeg().avcodec_open2(dec_.get(), codec, nullptr);
    if (rc < 0) return Bad(path_, "cannot open " + info_->codec + " decoder (" + AvError(rc) + ")");
    if (dec_->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || dec_->ch_layout.nb_channels == 0) {
      int n = dec_->ch_layout.nb_channels > 0 ? dec_->ch_layout.nb_channels : 1;
      Ffmpeg().av_channel_layout_uninit(&dec_->ch_layout);
      Ffmpeg().av_channel_layout_default(&dec_->ch_layout, n);
    }
    if (dec_->sample_rate <= 0) return Bad(path_, "audio track has no sample rate");
    info_->source_rate = dec_->sample_rate;
    info_->source_channels = dec_->ch_layout.nb_channels;

    if (info_->container == "wav") {
      if (Status s = CheckWavHeader(static_cast<int64_t>(st.st_size)); !s.ok()) return s;
    }
    if (Status s = Loop(); !s.ok()) return s;
    return CheckComplete();
  }

 private:
  // A resampler for the frame's format. A stream whose format changes midway (an MP3 going
  // from stereo to mono) gets a new one, after the old one's delay line is emitted: fed to the
  // old one, a frame with fewer planes than it was made for has it read a plane not there.
  Status EnsureResampler(const AVFrame* f) {
    if (swr_ && f->format == swr_format_ && f->sample_rate == swr_rate_ &&
        f->ch_layout.nb_channels == swr_channels_)
      return Status::Ok();
    if (swr_) {
      if (Status s = Emit(nullptr, 0); !s.ok()) return s;
      swr_.reset();
    }
    swr_format_ = f->format, swr_rate_ = f->sample_rate, swr_channels_ = f->ch_layout.nb_channels;
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    AVChannelLayout in = f->ch_layout;
    if (in.order == AV_CHANNEL_ORDER_UNSPEC)
      Ffmpeg().av_channel_layout_default(&in, in.nb_channels);
    SwrContext* s = nullptr;
    int rc = Ffmpeg().swr_alloc_set_opts2(&s, &mono, AV_SAMPLE_FMT_S16, kSampleRate, &in,
                                          static_cast<AVSampleFormat>(f->format), f->sample_rate, 0,
                                          nullptr);
    if (rc < 0 || !s) return Status::Internal("cannot configure resampler: " + AvError(rc));
    swr_.reset(s);
    rc = Ffmpeg().swr_init(swr_.get());
    if (rc < 0) return Status::Internal("cannot start resampler: " + AvError(rc));
    return Status::Ok();
  }

  Status Emit(const uint8_t** in, int in_samples) {
    int cap = Ffmpeg().swr_get_out_samples(swr_.get(), in_samples);
    if (cap <= 0) return Status::Ok();
    out_.resize(static_cast<size_t>(cap));
    uint8_t* out = reinterpret_cast<uint8_t*>(out_.data());
    int n = Ffmpeg().swr_convert(swr_.get(), &out, cap, in, in_samples);
    if (n < 0) return Status::Internal("resampling failed: " + AvError(n));
    if (n == 0) return Status::Ok();
    // Hold back the last kTail samples: encoder padding past the declared end is trimmed in
    // Finish() (AAC in MP4 decodes whole 1024-sample frames past the edit list's end).
    tail_.insert(tail_.end(), out_.begin(), out_.begin() + n);
    if (tail_.size() <= kTail) return Status::Ok();
    size_t emit = tail_.size() - kTail;
    info_->samples += static_cast<int64_t>(emit);
    Status s = sink_(std::span<const int16_t>(tail_.data(), emit));
    tail_.erase(tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(emit));
    return s;
  }

  Status FlushTail() {
    size_t emit = tail_.size();
    if (stream_declared_ > 0) {
      auto want = static_cast<int64_t>(std::llround(stream_declared_ * kSampleRate));
      int64_t excess = info_->samples + static_cast<int64_t>(emit) - want;
      if (excess > 0 && excess < static_cast<int64_t>(kTail)) emit -= static_cast<size_t>(excess);
    }
    if (emit == 0) return Status::Ok();
    info_->samples += static_cast<int64_t>(emit);
    Status s = sink_(std::span<const int16_t>(tail_.data(), emit));
    tail_.clear();
    return s;
  }

  Status Drain() {
    for (;;) {
      int rc = Ffmpeg().avcodec_receive_frame(dec_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return Status::Ok();
      if (rc < 0) {
        health_.errors++;
        health_.last_error = AvError(rc);
        return Status::Ok();
      }
      health_.frames_ok++;
      if (Status s = EnsureResampler(frame_.get()); !s.ok()) return s;
      Status s = Emit(const_cast<const uint8_t**>(frame_->extended_data), frame_->nb_samples);
      Ffmpeg().av_frame_unref(frame_.get());
      if (!s.ok()) return s;
    }
  }

  Status Loop() {
    frame_.reset(Ffmpeg().av_frame_alloc());
    pkt_.reset(Ffmpeg().av_packet_alloc());
    int read_errors = 0;
    for (;;) {
      int rc = Ffmpeg().av_read_frame(fmt_.get(), pkt_.get());
      if (rc == AVERROR_EOF) break;
      if (rc < 0) {
        // A damaged container: count it, stop reading; CheckComplete decides how bad it is.
        read_errors++;
        health_.last_error = AvError(rc);
        if (rc != AVERROR_INVALIDDATA || read_errors > 50) break;
        continue;
      }
      if (pkt_->stream_index == stream_) {
        int s = Ffmpeg().avcodec_send_packet(dec_.get(), pkt_.get());
        if (s < 0 && s != AVERROR(EAGAIN)) {
          health_.errors++;
          health_.last_error = AvError(s);
        }
        if (Status st = Drain(); !st.ok()) {
          Ffmpeg().av_packet_unref(pkt_.get());
          return st;
        }
      }
      Ffmpeg().av_packet_unref(pkt_.get());
    }
    Ffmpeg().avcodec_send_packet(dec_.get(), nullptr);
    if (Status st = Drain(); !st.ok()) return st;
    if (swr_) {
      if (Status st = Emit(nullptr, 0); !st.ok()) return st;  // the resampler's delay line
    }
    return FlushTail();
  }

  // FFmpeg clamps a WAV's duration to the bytes present, so a cut-off upload looks complete;
  // the RIFF data chunk's declared size tells the truth.
  Status CheckWavHeader(int64_t file_size) {
    FILE* f = std::fopen(path_.c_str(), "rb");
    if (!f) return Status::Ok();
    unsigned char hdr[12];
    int64_t declared_end = -1;
    if (std::fread(hdr, 1, 12, f) == 12 && std::memcmp(hdr, "RIFF", 4) == 0) {
      int64_t pos = 12;
      unsigned char ck[8];
      while (std::fread(ck, 1, 8, f) == 8) {
        uint32_t size = ck[4] | ck[5] << 8 | ck[6] << 16 | static_cast<uint32_t>(ck[7]) << 24;
        pos += 8;
        if (std::memcmp(ck, "data", 4) == 0) {
          if (size != 0xFFFFFFFFu && size != 0) declared_end = pos + size;
          break;
        }
        pos += size + (size & 1);
        if (std::fseek(f, pos, SEEK_SET) != 0) break;
      }
    }
    std::fclose(f);
    if (declared_end > file_size + 1) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "file is truncated (the WAV header declares %lld bytes of audio, %lld are "
                    "present)",
                    static_cast<long long>(declared_end), static_cast<long long>(file_size));
      return Bad(path_, buf);
    }
    return Status::Ok();
  }

  Status CheckComplete() {
    if (health_.frames_ok == 0 || info_->samples == 0)
      return Bad(path_, "no audio could be decoded" + (health_.last_error.empty()
                                                           ? std::string(" (empty audio track)")
                                                           : " (" + health_.last_error + ")"));
    int total = health_.frames_ok + health_.errors;
    if (health_.errors > 3 && health_.errors * 20 > total)
      return Bad(path_, "audio data is corrupt (" + std::to_string(health_.errors) + " of " +
                            std::to_string(total) +
                            " frames failed to decode: " + health_.last_error + ")");
    double got = info_->seconds(), want = info_->declared_seconds;
    if (want > 1.0 && got < want * 0.95 - 0.5) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "file is truncated (decoded %.1f s of the %.1f s the header declares)", got,
                    want);
      return Bad(path_, buf);
    }
    return Status::Ok();
  }

  const std::string& path_;
  const PcmSink& sink_;
  DecodeInfo* info_;
  std::unique_ptr<AVFormatContext, FormatCloser> fmt_;
  std::unique_ptr<AVCodecContext, CodecFreer> dec_;
  std::unique_ptr<SwrContext, SwrFreer> swr_;
  int swr_format_ = -1, swr_rate_ = 0, swr_channels_ = 0;  // what swr_ was made for
  std::unique_ptr<AVFrame, FrameFreer> frame_;
  std::unique_ptr<AVPacket, PacketFreer> pkt_;
  static constexpr size_t kTail = kSampleRate / 4;
  std::vector<int16_t> out_;
  std::vector<int16_t> tail_;
  double stream_declared_ = 0;  // the audio stream's own duration, when the container has it
  int stream_ = -1;
  DecodeHealth health_;
};

}  // namespace

Status DecodeAudio(const std::string& path, const PcmSink& sink, DecodeInfo* info) {
  if (auto ff = LoadFfmpeg(); !ff.ok()) return ff.status();
  DecodeInfo local;
  if (!info) info = &local;
  *info = DecodeInfo{};
  return Decoder(path, sink, info).Run();
}

}  // namespace minutes
