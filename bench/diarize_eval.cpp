// Scores the local diarizer on recordings with ground truth: for each DIR holding meeting.wav
// and reference.rttm, prints DER (md-eval style, 0.25 s collar), speakers found against the
// reference count, and the diarization time. bench/diarize-bench.sh runs it on the
// development set made by tests/data/make-diarization-set.sh.
//
//   diarize_eval [--known-count] [--repeat N] [--set NAME=VALUE]... DIR...
// --set changes one LocalDiarizerParams field (components, relevance, block_s, min_cluster_s,
// switch_penalty, resegment_passes, extra_clusters, bic_penalty, min_divergence), for tuning;
// not with DIARIZE_EVAL_DEFAULTS_ONLY, the build against an older diarizer (other tunables).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "audio/decoder.hpp"
#include "audio/vad.hpp"
#include "diarize/diarizer.hpp"
#include "diarize/local_diarizer.hpp"
#include "scoring/der.hpp"

namespace {

struct Recording {
  std::vector<int16_t> pcm;
  std::vector<minutes::Utterance> utts;
};

bool Load(const std::string& wav, Recording* r) {
  minutes::Segmenter seg;
  minutes::Status s = minutes::DecodeAudio(
      wav,
      [&](std::span<const int16_t> b) {
        r->pcm.insert(r->pcm.end(), b.begin(), b.end());
        seg.Push(b, &r->utts);
        return minutes::Status::Ok();
      },
      nullptr);
  seg.Finish(&r->utts);
  if (!s.ok()) std::fprintf(stderr, "%s: %s\n", wav.c_str(), s.message().c_str());
  return s.ok();
}

#ifdef DIARIZE_EVAL_DEFAULTS_ONLY  // built against another version (bench/diarize-bench.sh)
bool SetParam(const std::string&, minutes::LocalDiarizerParams*) { return false; }
#else
bool SetParam(const std::string& assignment, minutes::LocalDiarizerParams* p) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos) return false;
  std::string name = assignment.substr(0, eq);
  double v = std::atof(assignment.c_str() + eq + 1);
  if (name == "components")
    p->components = static_cast<int>(v);
  else if (name == "relevance")
    p->relevance = v;
  else if (name == "block_s")
    p->block_s = v;
  else if (name == "min_cluster_s")
    p->min_cluster_s = v;
  else if (name == "switch_penalty")
    p->switch_penalty = v;
  else if (name == "bic_penalty")
    p->bic_penalty = v;
  else if (name == "min_divergence")
    p->min_divergence = v;
  else if (name == "extra_clusters")
    p->extra_clusters = static_cast<int>(v);
  else if (name == "resegment_passes")
    p->resegment_passes = static_cast<int>(v);
  else
    return false;
  return true;
}
#endif

std::string Basename(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d.substr(d.find_last_of('/') + 1);
}

}  // namespace

int main(int argc, char** argv) {
  bool known_count = false;
  int repeat = 3;
  std::vector<std::string> dirs;
  minutes::LocalDiarizerParams params;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--known-count") {
      known_count = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--set" && i + 1 < argc && SetParam(argv[i + 1], &params)) {
      ++i;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr, "usage: %s [--known-count] [--repeat N] [--set NAME=VALUE]... DIR...\n",
                   argv[0]);
      return 2;
    } else {
      dirs.push_back(a);
    }
  }
  if (minutes::Status s = minutes::LoadVad(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  std::printf("%-22s %8s %5s %6s %7s %10s\n", "recording", "length_s", "ref", "found", "der_%",
              "diarize_ms");
  int failures = 0;
  for (const std::string& dir : dirs) {
    std::string error;
    auto ref = minutes::scoring::ReadRttm(dir + "/reference.rttm", &error);
    Recording rec;
    if (ref.empty() || !Load(dir + "/meeting.wav", &rec)) {
      std::fprintf(stderr, "%s: %s\n", dir.c_str(), error.empty() ? "unreadable" : error.c_str());
      ++failures;
      continue;
    }
    std::set<std::string> ref_speakers;
    for (auto& t : ref) ref_speakers.insert(t.speaker);
    minutes::PcmReader read = [&](int64_t s, int64_t e, std::vector<int16_t>* out) {
      out->assign(rec.pcm.begin() + s,
                  rec.pcm.begin() + std::min<int64_t>(e, static_cast<int64_t>(rec.pcm.size())));
      return minutes::Status::Ok();
    };
    minutes::DiarizeOptions o;
    o.speakers = known_count ? static_cast<int>(ref_speakers.size()) : 0;
    auto diarizer = minutes::MakeLocalDiarizer(params);
    std::vector<minutes::SpeakerTurn> turns;
    double best_ms = 1e300;
    for (int r = 0; r < repeat; ++r) {  // the fastest of several runs: less noise from the machine
      auto t0 = std::chrono::steady_clock::now();
      auto got = diarizer->Diarize(rec.utts, read, o);
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!got.ok()) {
        std::fprintf(stderr, "%s: %s\n", dir.c_str(), got.status().message().c_str());
        ++failures;
        break;
      }
      best_ms = std::min(best_ms, ms);
      turns = std::move(*got);
    }
    std::vector<minutes::scoring::Turn> hyp;
    std::set<int> found;
    for (auto& t : turns) {
      hyp.push_back({"S" + std::to_string(t.speaker), t.start, t.end});
      found.insert(t.speaker);
    }
    auto der = minutes::scoring::ComputeDer(ref, hyp);
    std::printf("%-22s %8.1f %5zu %6zu %7.1f %10.1f\n", Basename(dir).c_str(),
                static_cast<double>(rec.pcm.size()) / 16000.0, ref_speakers.size(), found.size(),
                100.0 * der.der, best_ms);
  }
  return failures ? 1 : 0;
}
