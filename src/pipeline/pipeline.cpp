#include "pipeline/pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "asr/openai_transcriber.hpp"
#include "asr/transcriber.hpp"
#include "audio/pcm_spool.hpp"
#include "audio/vad.hpp"
#include "core/text.hpp"
#include "diarize/diarizer.hpp"
#include "pipeline/assemble.hpp"
#include "pipeline/pieces.hpp"

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
  if (Status vad = LoadVad(); !vad.ok()) return vad;
  Segmenter seg;
  const int64_t max_samples =
      o.max_seconds > 0 ? static_cast<int64_t>((o.max_seconds + 1) * kSampleRate) : 0;
  Status s = DecodeAudio(
      path,
      [&](std::span<const int16_t> block) -> Status {
        // The probe at upload counted this recording under the limit; a file that decodes to
        // more lied to it, and is not spooled or transcribed past the limit.
        if (max_samples > 0 && d.info.samples > max_samples)
          return Status::FailedPrecondition(
              "the recording is longer than the limit of " + FormatSeconds(o.max_seconds) +
              " (limits.max_duration_s); it was refused after " +
              FormatSeconds(static_cast<double>(max_samples) / kSampleRate) + " of audio");
        if (Status st = d.spool.Append(block); !st.ok()) return st;
        seg.Push(block, &d.utts);
        return Status::Ok();
      },
      &d.info);
  if (!s.ok()) return s;
  seg.Finish(&d.utts);
  return d;
}

// The utterance a word belongs to: the one its middle falls in, else the nearest (utts in time
// order, not empty).
size_t UtteranceOf(const std::vector<Utterance>& utts, const Word& w) {
  const double mid = (w.start + w.end) / 2;
  auto it = std::upper_bound(utts.begin(), utts.end(), mid,
                             [](double v, const Utterance& u) { return v < u.start_s(); });
  size_t i = it == utts.begin() ? 0 : static_cast<size_t>(it - utts.begin()) - 1;
  if (mid > utts[i].end_s() && i + 1 < utts.size() &&
      utts[i + 1].start_s() - mid < mid - utts[i].end_s())
    ++i;
  return i;
}

// The pieces an engine decodes: every utterance, or for a fixed-window engine consecutive
// utterances packed into windows of up to `window_s` (the pauses between them included).
std::vector<Utterance> Pack(const std::vector<Utterance>& utts, double window_s) {
  if (window_s <= 0) return utts;
  const auto limit = static_cast<int64_t>(window_s * 16000);
  std::vector<Utterance> pieces;
  for (const Utterance& u : utts) {
    if (!pieces.empty() && u.end - pieces.back().start <= limit)
      pieces.back().end = u.end;
    else
      pieces.push_back(u);
  }
  return pieces;
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

// Runs the transcriber over all utterances: one at a time, in whisper's windows, or in a
// provider's packed pieces (Transcriber::Packing). Local engines get `threads` threads, each with
// its own decoder and its own fixed list; a provider gets one thread per run of consecutive
// pieces, up to its requests in flight. Progress is reported from the calling thread.
// `canceled` is polled from the calling thread; a cancel stops every session mid-utterance where
// the engine can. `language` gets the language the engine heard over most of the speech.
Result<std::vector<std::vector<Word>>> TranscribeAll(Transcriber& asr, const Decoded& d,
                                                     int threads, const ProgressFn& progress,
                                                     const std::function<bool()>& canceled,
                                                     std::string* language) {
  const PiecePacking packing = asr.Packing();
  bool one_per_utterance = false;  // each piece is one utterance: its words are its own
  std::vector<Piece> pieces;
  std::vector<std::vector<size_t>> lists;
  if (packing.piece_s > 0) {
    pieces = PackPieces(d.utts, packing.piece_s, packing.gap_s);
    lists = ContiguousRuns(pieces, packing.runs);
  } else {
    const std::vector<Utterance> windows = Pack(d.utts, asr.WindowSeconds());
    // Sessions: the threads shared by the engine's threads per session, and no more than
    // windows (every session holds its own decoding state).
    threads = std::max(1, threads / std::max(1, asr.ThreadsPerSession()));
    threads = std::max(1, std::min(threads, static_cast<int>(windows.size())));
    lists = Schedule(windows, threads);
    one_per_utterance = windows.size() == d.utts.size();
    for (const Utterance& u : windows) pieces.push_back({{{u.start, u.end, 0}}});
  }
  int64_t total = 0;
  for (auto& p : pieces) total += p.samples();
  std::vector<std::vector<Word>> words(pieces.size());
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::condition_variable cv;
  Status error;
  bool failed = false;
  int running = static_cast<int>(lists.size());
  std::atomic<bool> stop{false};
  std::map<std::string, int64_t> heard;  // language → samples of speech
  auto work = [&](const std::vector<size_t>& list) {
    auto session = asr.NewSession();
    if (session.ok()) (*session)->SetStop(&stop);
    std::vector<int16_t> pcm, part;
    for (size_t i : list) {
      {
        std::lock_guard lock(mu);
        if (failed || stop) break;
      }
      const Piece& piece = pieces[i];
      Status s = session.status();
      pcm.clear();
      for (const PieceSpan& span : piece.spans) {
        if (!s.ok()) break;
        s = d.spool.Read(span.start, span.end, &part);
        pcm.insert(pcm.end(), part.begin(), part.end());
      }
      std::string lang;
      if (s.ok()) {
        // One stretch of the recording: the engine offsets its times; stretches with pauses
        // squeezed out between them: each time maps back through the piece.
        const bool stretch = piece.spans.size() == 1;
        auto w = (*session)->Transcribe(pcm, stretch ? piece.spans[0].start / 16000.0 : 0.0);
        if (w.ok()) {
          if (!stretch)
            for (Word& word : *w)
              word.start = piece.ToRecording(word.start), word.end = piece.ToRecording(word.end);
          words[i] = std::move(w.value()), lang = (*session)->Language();
        } else {
          s = w.status();
        }
      }
      done += piece.samples();
      std::lock_guard lock(mu);
      if (!lang.empty()) heard[lang] += piece.samples();
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
      if (canceled && !stop) {
        lock.unlock();
        bool c = canceled();
        lock.lock();
        if (c) stop = true;
      }
      if (progress && total > 0) {
        lock.unlock();
        progress("transcribe", static_cast<double>(done.load()) / static_cast<double>(total));
        lock.lock();
      }
    }
  }
  for (auto& t : pool) t.join();
  if (stop) return Status::Unavailable("transcription canceled");
  if (failed) return error;
  int64_t most = 0;
  for (auto& [lang, samples] : heard)
    if (samples > most) most = samples, *language = lang;
  if (one_per_utterance) return words;
  std::vector<std::vector<Word>> placed(d.utts.size());  // windows and pieces back to utterances
  for (auto& piece : words)
    for (auto& w : piece) placed[UtteranceOf(d.utts, w)].push_back(std::move(w));
  return placed;
}

// Writes the spooled recording as one 16 kHz WAV (for providers that take whole recordings),
// streamed a minute at a time.
Result<std::string> WriteWav(const Decoded& d, const PipelineOptions& o) {
  namespace fs = std::filesystem;
  fs::path dir = o.temp_dir.empty() ? fs::temp_directory_path() : fs::path(o.temp_dir);
  std::string path = (dir / "minutes-asr-XXXXXX").string();
  int fd = mkstemp(path.data());
  if (fd < 0) return Status::Io("cannot create a temporary file in " + dir.string());
  close(fd);
  std::ofstream out(path, std::ios::binary);
  int64_t total = d.info.samples;
  std::string header = WavBytes({}, 16000);
  uint32_t data = static_cast<uint32_t>(total * 2);
  uint32_t riff = 36 + data;
  header.replace(4, 4, reinterpret_cast<const char*>(&riff), 4);
  header.replace(40, 4, reinterpret_cast<const char*>(&data), 4);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  std::vector<int16_t> pcm;
  for (int64_t at = 0; at < total; at += 16000 * 60) {
    if (Status s = d.spool.Read(at, std::min(total, at + 16000 * 60), &pcm); !s.ok()) {
      std::remove(path.c_str());
      return s;
    }
    out.write(reinterpret_cast<const char*>(pcm.data()),
              static_cast<std::streamsize>(pcm.size() * 2));
  }
  out.close();
  if (!out) {
    std::remove(path.c_str());
    return Status::Io("cannot write " + path + " (disk full?)");
  }
  return path;
}

// A whole-recording provider's words placed into our utterances (the one whose span holds a
// word's midpoint, else the nearest), and its speakers as diarization turns.
struct WholeResult {
  std::vector<std::vector<Word>> words;
  std::vector<SpeakerTurn> turns;
  bool has_speakers = false;
};

WholeResult PlaceWords(std::vector<Utterance>* utts, const RecordingTranscript& t,
                       int64_t samples) {
  WholeResult r;
  if (utts->empty() && !t.words.empty()) utts->push_back({0, samples});
  r.words.resize(utts->size());
  std::map<std::string, int> labels;
  for (const auto& lw : t.words) {
    r.words[UtteranceOf(*utts, lw.word)].push_back(lw.word);
    if (!t.has_speakers) continue;
    int label = labels.emplace(lw.speaker, static_cast<int>(labels.size())).first->second;
    if (!r.turns.empty() && r.turns.back().speaker == label)
      r.turns.back().end = std::max(r.turns.back().end, lw.word.end);
    else
      r.turns.push_back({std::max(lw.word.start, r.turns.empty() ? 0.0 : r.turns.back().end),
                         lw.word.end, label});
  }
  r.has_speakers = t.has_speakers && !r.turns.empty();
  return r;
}

// Process-wide circuit breakers for speech providers: three failures in a row and an engine is
// passed over for five minutes (unless no other is left).
struct Breaker {
  int failures = 0;
  Clock::time_point open_until{};
};
std::mutex g_breaker_mu;
std::map<std::string, Breaker> g_breakers;

bool BreakerOpen(const std::string& engine) {
  std::lock_guard lock(g_breaker_mu);
  return g_breakers[engine].open_until > Clock::now();
}

void BreakerResult(const std::string& engine, bool ok) {
  std::lock_guard lock(g_breaker_mu);
  Breaker& b = g_breakers[engine];
  if (ok) {
    b = {};
  } else if (++b.failures >= 3) {
    b.open_until = Clock::now() + std::chrono::minutes(5);
    b.failures = 0;
  }
}

}  // namespace

void ResetAsrCircuitBreakers() {
  std::lock_guard lock(g_breaker_mu);
  g_breakers.clear();
}

Result<PipelineResult> TranscribeRecording(const std::string& path, const PipelineOptions& o,
                                           const ProgressFn& progress) {
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  PipelineResult r;

  TranscriberOptions to;
  to.threads = threads;
  to.language = o.language;
  to.hotwords = o.hotwords;
  to.whisper_model = o.whisper_model;
  to.media_store = o.media_store;
  to.media_access_key = o.media_access_key;
  to.media_secret_key = o.media_secret_key;
  std::vector<std::string> engines = {o.engine};
  engines.insert(engines.end(), o.fallback_engines.begin(), o.fallback_engines.end());
  // Load the first engine before decoding so a missing model fails before any audio work.
  auto first = MakeTranscriber(o.engine, to);
  if (!first.ok() && engines.size() == 1) return first.status();
  auto diarizer = MakeDiarizer(o.diarizer);
  if (!diarizer.ok()) return diarizer.status();

  auto t0 = Clock::now();
  if (progress) progress("decode", 0);
  auto decoded = DecodeAndSegment(path, o);
  if (!decoded.ok()) return decoded.status();
  r.times.decode = Since(t0);
  r.audio = decoded->info;
  if (progress) progress("decode", 1);

  auto t1 = Clock::now();
  if (progress) progress("transcribe", 0);
  std::vector<std::vector<Word>> words;
  WholeResult whole;
  std::string detected;  // the language the engine or provider says was spoken
  Status last = first.status();
  bool done = false;
  for (size_t e = 0; e < engines.size() && !done; ++e) {
    const std::string& engine = engines[e];
    AsrAttempt attempt{engine, "failed", "", 0};
    if (e + 1 < engines.size() && BreakerOpen(engine)) {
      attempt.outcome = "skipped (circuit open)";
      r.attempts.push_back(attempt);
      continue;
    }
    auto a0 = Clock::now();
    Result<std::unique_ptr<Transcriber>> asr =
        e == 0 ? std::move(first) : MakeTranscriber(engine, to);
    Status s = asr.status();
    if (asr.ok()) {
      attempt.engine = (*asr)->Name();
      if ((*asr)->WholeRecording()) {
        auto wav = WriteWav(*decoded, o);
        s = wav.status();
        if (wav.ok()) {
          RecordingRequest req;
          req.wav_path = *wav;
          req.seconds = decoded->info.seconds();
          req.speakers = o.speakers;
          req.canceled = o.canceled;
          req.progress = [&](double f) {
            if (progress) progress("transcribe", f);
          };
          auto t = (*asr)->TranscribeRecording(req);
          std::remove(wav->c_str());
          s = t.status();
          if (t.ok()) {
            whole = PlaceWords(&decoded->utts, *t, decoded->info.samples);
            words = whole.words;
            detected = t->language;
          }
        }
      } else {
        auto w = TranscribeAll(**asr, *decoded, threads, progress, o.canceled, &detected);
        s = w.status();
        if (w.ok()) words = std::move(*w);
      }
    }
    attempt.seconds = Since(a0);
    if (s.ok()) {
      attempt.outcome = "ok";
      r.engine = attempt.engine;
      done = true;
    } else {
      attempt.error = s.message();
      last = s;
    }
    const bool stopped = o.canceled && o.canceled();
    if (engine != "pocketsphinx" && engine != "auto" && !stopped) BreakerResult(engine, s.ok());
    r.attempts.push_back(attempt);
    if (stopped) break;
  }
  if (!done) {
    if (r.attempts.size() <= 1) return last;
    std::string all;
    for (auto& a : r.attempts)
      all += (all.empty() ? "" : "; ") + a.engine + ": " + (a.error.empty() ? a.outcome : a.error);
    return Status(last.kind(), "every speech engine failed: " + all);
  }
  r.utterances = decoded->utts.size();
  r.times.transcribe = Since(t1);
  if (progress) progress("transcribe", 1);

  auto t2 = Clock::now();
  if (progress) progress("diarize", 0);
  std::vector<SpeakerTurn> turns;
  if (whole.has_speakers) {  // the provider separated speakers: its labels are the turns
    turns = std::move(whole.turns);
    r.diarizer = "provider";
  } else {  // the local diarizer runs on the audio; its turns label the provider's words
    const PcmSpool& spool = decoded->spool;
    PcmReader read = [&spool](int64_t s, int64_t e, std::vector<int16_t>* out) {
      return spool.Read(s, e, out);
    };
    DiarizeOptions dopt;
    dopt.speakers = o.speakers;
    dopt.threads = threads;
    auto local = (*diarizer)->Diarize(decoded->utts, read, dopt);
    if (!local.ok()) return local.status();
    turns = std::move(*local);
    r.diarizer = "local";
  }
  r.times.diarize = Since(t2);
  if (progress) progress("diarize", 1);

  r.transcript = AssembleTranscript(decoded->utts, words, turns, decoded->info.seconds());
  r.transcript.engine = r.engine;
  r.transcript.model = ModelOfEngine(r.engine);
  bool automatic = o.language.empty() || o.language == "auto";
  r.transcript.language = !automatic ? o.language : detected.empty() ? "en" : detected;
  return r;
}

}  // namespace minutes
