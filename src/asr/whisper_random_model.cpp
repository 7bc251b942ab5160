#include "asr/whisper_random_model.hpp"

#include <cstdio>
#include <fstream>
#include <random>
#include <vector>

#include "ggml.h"

namespace minutes {
namespace {

constexpr int kAudioCtx = 1500, kTextCtx = 448;

class Writer {
 public:
  Writer(const std::string& path, uint32_t seed) : out_(path, std::ios::binary), rng_(seed) {}
  bool ok() const { return static_cast<bool>(out_); }
  void I32(int32_t v) { out_.write(reinterpret_cast<const char*>(&v), 4); }
  void F32(float v) { out_.write(reinterpret_cast<const char*>(&v), 4); }
  void Bytes(const std::string& b) { out_.write(b.data(), static_cast<std::streamsize>(b.size())); }
  bool Close() {
    out_.close();
    return static_cast<bool>(out_);
  }
  // One tensor: PyTorch shape `dims` (written reversed, as the converter does), f16 or f32.
  void Tensor(const std::string& name, std::vector<int> dims, bool f16, float scale = 0.02f,
              float mean = 0.f) {
    I32(static_cast<int32_t>(dims.size()));
    I32(static_cast<int32_t>(name.size()));
    I32(f16 ? 1 : 0);
    for (size_t i = 0; i < dims.size(); ++i) I32(dims[dims.size() - 1 - i]);
    out_.write(name.data(), static_cast<std::streamsize>(name.size()));
    size_t n = 1;
    for (int d : dims) n *= static_cast<size_t>(d);
    std::normal_distribution<float> dist(mean, scale);
    std::vector<float> values(std::min<size_t>(n, 1 << 20));
    std::vector<ggml_fp16_t> halves(values.size());
    for (size_t done = 0; done < n;) {
      size_t k = std::min(values.size(), n - done);
      for (size_t i = 0; i < k; ++i) values[i] = scale == 0 ? mean : dist(rng_);
      if (f16) {
        ggml_fp32_to_fp16_row(values.data(), halves.data(), static_cast<int64_t>(k));
        out_.write(reinterpret_cast<const char*>(halves.data()),
                   static_cast<std::streamsize>(k * 2));
      } else {
        out_.write(reinterpret_cast<const char*>(values.data()),
                   static_cast<std::streamsize>(k * 4));
      }
      done += k;
    }
  }

 private:
  std::ofstream out_;
  std::mt19937 rng_;
};

void Block(Writer& w, const std::string& prefix, const std::string& attn, int d) {
  w.Tensor(prefix + attn + "_ln.weight", {d}, false, 0, 1);
  w.Tensor(prefix + attn + "_ln.bias", {d}, false, 0, 0);
  w.Tensor(prefix + attn + ".query.weight", {d, d}, true);
  w.Tensor(prefix + attn + ".query.bias", {d}, false);
  w.Tensor(prefix + attn + ".key.weight", {d, d}, true);
  w.Tensor(prefix + attn + ".value.weight", {d, d}, true);
  w.Tensor(prefix + attn + ".value.bias", {d}, false);
  w.Tensor(prefix + attn + ".out.weight", {d, d}, true);
  w.Tensor(prefix + attn + ".out.bias", {d}, false);
}

void Mlp(Writer& w, const std::string& prefix, int d) {
  w.Tensor(prefix + "mlp_ln.weight", {d}, false, 0, 1);
  w.Tensor(prefix + "mlp_ln.bias", {d}, false, 0, 0);
  w.Tensor(prefix + "mlp.0.weight", {4 * d, d}, true);
  w.Tensor(prefix + "mlp.0.bias", {4 * d}, false);
  w.Tensor(prefix + "mlp.2.weight", {d, 4 * d}, true);
  w.Tensor(prefix + "mlp.2.bias", {d}, false);
}

}  // namespace

Result<WhisperShape> WhisperShapeOf(const std::string& name) {
  WhisperShape s;
  std::string size = name.substr(0, name.find('.'));
  bool english = name.size() > 3 && name.compare(name.size() - 3, 3, ".en") == 0;
  if (size == "tiny") {
    s.n_state = 384, s.n_head = 6, s.n_layer = 4;
  } else if (size == "base") {
    s.n_state = 512, s.n_head = 8, s.n_layer = 6;
  } else if (size == "small") {
    s.n_state = 768, s.n_head = 12, s.n_layer = 12;
  } else {
    return Status::BadInput("no random model shape for \"" + name +
                            "\" (tiny, base, small, with or without .en)");
  }
  s.n_vocab = english ? 51864 : 51865;
  return s;
}

Status WriteRandomWhisperModel(const std::string& path, const WhisperShape& s, uint32_t seed) {
  std::string tmp = path + ".partial";
  {
    Writer w(tmp, seed);
    if (!w.ok()) return Status::Io("cannot write " + tmp);
    const int d = s.n_state;
    w.I32(0x67676d6c);  // "ggml"
    for (int v : {s.n_vocab, kAudioCtx, d, s.n_head, s.n_layer, kTextCtx, d, s.n_head, s.n_layer,
                  s.n_mels, 1})
      w.I32(v);
    // Mel filters: n_mels x 201 (n_fft / 2 + 1), triangular-ish and positive.
    w.I32(s.n_mels);
    w.I32(201);
    for (int m = 0; m < s.n_mels; ++m)
      for (int f = 0; f < 201; ++f) w.F32(f / 2 == m ? 0.01f : 0.f);
    // The vocabulary without the special tokens (the loader adds those up to n_vocab): short
    // made-up words, some with a leading space as BPE tokens have.
    const int regular = s.n_vocab >= 51865 ? 50257 : 50256;
    w.I32(regular);
    for (int i = 0; i < regular; ++i) {
      // 220 is the lone space, as in the real vocabulary (whisper suppresses it at the start).
      std::string word = i == 220 ? " "
                                  : std::string(i % 3 == 0 ? " " : "") +
                                        static_cast<char>('a' + i % 26) + std::to_string(i);
      w.I32(static_cast<int32_t>(word.size()));
      w.Bytes(word);
    }
    w.Tensor("encoder.positional_embedding", {kAudioCtx, d}, false);
    w.Tensor("encoder.conv1.weight", {d, s.n_mels, 3}, true);
    w.Tensor("encoder.conv1.bias", {d, 1}, false);
    w.Tensor("encoder.conv2.weight", {d, d, 3}, true);
    w.Tensor("encoder.conv2.bias", {d, 1}, false);
    for (int l = 0; l < s.n_layer; ++l) {
      std::string p = "encoder.blocks." + std::to_string(l) + ".";
      Block(w, p, "attn", d);
      Mlp(w, p, d);
    }
    w.Tensor("encoder.ln_post.weight", {d}, false, 0, 1);
    w.Tensor("encoder.ln_post.bias", {d}, false, 0, 0);
    w.Tensor("decoder.positional_embedding", {kTextCtx, d}, false);
    w.Tensor("decoder.token_embedding.weight", {s.n_vocab, d}, true);
    for (int l = 0; l < s.n_layer; ++l) {
      std::string p = "decoder.blocks." + std::to_string(l) + ".";
      Block(w, p, "attn", d);
      Block(w, p, "cross_attn", d);
      Mlp(w, p, d);
    }
    w.Tensor("decoder.ln.weight", {d}, false, 0, 1);
    w.Tensor("decoder.ln.bias", {d}, false, 0, 0);
    if (!w.Close()) {
      std::remove(tmp.c_str());
      return Status::Io("cannot write " + tmp + " (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::Io("cannot rename " + tmp);
  return Status::Ok();
}

}  // namespace minutes
