#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>

#include "asr/transcriber.hpp"
#include "audio/pcm_spool.hpp"
#include "audio/vad.hpp"
#include "diarize/diarizer.hpp"
#include "pipeline/assemble.hpp"

namespace minutes {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Decoded {
  PcmSpool spool;
  std::vector<Utterance> utts;
  DecodeInfo info;
};

// Decoding runs at hundreds of times real time, so it reports no progress of its own.
Result<Decoded> DecodeAndSegment(const std::string& path, const PipelineOptions& o) {
  auto spool = PcmSpool::Create(o.temp_dir);
  if (!spool.ok()) return spool.status();
  Decoded d{std::move(spool.value()), {}, {}};
  Segmenter seg;
  Status s = DecodeAudio(
      path,
      [&](std::span<const int16_t> block) -> Status {
        if (Status st = d.spool.Append(block); !st.ok()) return st;
        seg.Push(block, &d.utts);
        return Status::Ok();
      },
      &d.info);
  if (!s.ok()) return s;
  seg.Finish(&d.utts);
  return d;
}

// Splits utterances into one list per thread, longest first onto the least-loaded list (LPT
// scheduling). The split is fixed, not first-come-first-served, because a PocketSphinx decoder
// keeps a little state from one utterance to the next: a fixed schedule makes the transcript
// repeatable run after run.
std::vector<std::vector<size_t>> Schedule(const std::vector<Utterance>& utts, int threads) {
  std::vector<size_t> order(utts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return utts[a].end - utts[a].start > utts[b].end - utts[b].start;
  });
  std::vector<std::vector<size_t>> lists(static_cast<size_t>(threads));
  std::vector<int64_t> load(static_cast<size_t>(threads), 0);
  for (size_t i : order) {
    size_t t = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    lists[t].push_back(i);
    load[t] += utts[i].end - utts[i].start;
  }
  return lists;
}

// Runs the transcriber over all utterances on `threads` threads, each with its own decoder and
// its own fixed list; progress is reported from the calling thread.
Result<std::vector<std::vector<Word>>> TranscribeAll(Transcriber& asr, const Decoded& d,
                                                     int threads, const ProgressFn& progress) {
  auto lists = Schedule(d.utts, threads);
  int64_t total = 0;
  for (auto& u : d.utts) total += u.end - u.start;
  std::vector<std::vector<Word>> words(d.utts.size());
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::condition_variable cv;
  Status error;
  bool failed = false;
  int running = threads;
  auto work = [&](const std::vector<size_t>& list) {
    auto session = asr.NewSession();
    std::vector<int16_t> pcm;
    for (size_t i : list) {
      {
        std::lock_guard lock(mu);
        if (failed) break;
      }
      const Utterance& u = d.utts[i];
      Status s = session.ok() ? d.spool.Read(u.start, u.end, &pcm) : session.status();
      if (s.ok()) {
        auto w = (*session)->Transcribe(pcm, u.start_s());
        if (w.ok())
          words[i] = std::move(w.value());
        else
          s = w.status();
      }
      done += u.end - u.start;
      std::lock_guard lock(mu);
      if (!s.ok() && !failed) failed = true, error = s;
      cv.notify_all();
    }
    std::lock_guard lock(mu);
    --running;
    cv.notify_all();
  };
  std::vector<std::thread> pool;
  for (auto& list : lists) pool.emplace_back(work, std::cref(list));
  {
    std::unique_lock lock(mu);
    while (running > 0) {
      cv.wait_for(lock, std::chrono::milliseconds(200));
      if (progress && total > 0) {
        lock.unlock();
        progress("transcribe", static_cast<double>(done.load()) / static_cast<double>(total));
        lock.lock();
      }
    }
  }
  for (auto& t : pool) t.join();
  if (failed) return error;
  return words;
}

}  // namespace

Result<PipelineResult> TranscribeRecording(const std::string& path, const PipelineOptions& o,
                                           const ProgressFn& progress) {
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  PipelineResult r;

  // Load the engine before decoding so a missing model fails before any audio work.
  TranscriberOptions to;
  to.threads = threads;
  to.language = o.language;
  to.hotwords = o.hotwords;
  auto asr = MakeTranscriber(o.engine, to);
  if (!asr.ok()) return asr.status();
  auto diarizer = MakeDiarizer(o.diarizer);
  if (!diarizer.ok()) return diarizer.status();
  r.engine = (*asr)->Name();

  auto t0 = Clock::now();
  if (progress) progress("decode", 0);
  auto decoded = DecodeAndSegment(path, o);
  if (!decoded.ok()) return decoded.status();
  r.times.decode = Since(t0);
  r.audio = decoded->info;
  r.utterances = decoded->utts.size();
  if (progress) progress("decode", 1);

  auto t1 = Clock::now();
  if (progress) progress("transcribe", 0);
  auto words = TranscribeAll(**asr, *decoded, threads, progress);
  if (!words.ok()) return words.status();
  r.times.transcribe = Since(t1);
  if (progress) progress("transcribe", 1);

  auto t2 = Clock::now();
  if (progress) progress("diarize", 0);
  const PcmSpool& spool = decoded->spool;
  PcmReader read = [&spool](int64_t s, int64_t e, std::vector<int16_t>* out) {
    return spool.Read(s, e, out);
  };
  DiarizeOptions dopt;
  dopt.speakers = o.speakers;
  dopt.threads = threads;
  auto turns = (*diarizer)->Diarize(decoded->utts, read, dopt);
  if (!turns.ok()) return turns.status();
  r.times.diarize = Since(t2);
  if (progress) progress("diarize", 1);

  r.transcript = AssembleTranscript(decoded->utts, *words, *turns, decoded->info.seconds());
  r.transcript.language = o.language.empty() || o.language == "auto" ? "en" : o.language;
  return r;
}

}  // namespace minutes
