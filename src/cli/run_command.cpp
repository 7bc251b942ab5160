#include "cli/run_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/outputs.hpp"
#include "cli/progress.hpp"
#include "export/output_dir.hpp"
#include "pipeline/pipeline.hpp"

namespace minutes {
int RunMeeting(const RunOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  MinutesOptions mo;
  mo.template_name = o.template_name;
  mo.templates_dir = o.templates_dir;
  mo.title = o.title;
  mo.source_name = std::filesystem::path(o.input).filename().string();
  // Templates are checked first: a typo in --template must not cost a whole transcription.
  if (Status s = CheckTemplate(mo); !s.ok()) return ReportFailure(s);

  bool tty = isatty(STDERR_FILENO) != 0;
  ProgressReporter progress(stderr, tty,
                            {{"decode", 2}, {"transcribe", 85}, {"diarize", 10}, {"minutes", 3}});
  ProgressFn on_progress = nullptr;
  if (!o.quiet) on_progress = [&](const std::string& s, double f) { progress.Update(s, f); };

  PipelineOptions po;
  po.engine = o.engine;
  po.media_store = o.storage;
  po.whisper_model = o.model;
  po.language = o.language;
  po.threads = o.threads;
  po.speakers = o.speakers;
  auto result = TranscribeRecording(o.input, po, on_progress);
  if (!result.ok()) {
    if (!o.quiet) progress.Finish();
    return ReportFailure(result.status());
  }
  const Transcript& tr = result->transcript;

  if (on_progress) on_progress("minutes", 0);
  auto outputs = BuildOutputs(tr, mo, std::filesystem::path(o.input).stem().string());
  if (!outputs.ok()) return ReportFailure(outputs.status());
  if (Status s = WriteOutputFiles(o.out, outputs->files); !s.ok()) return ReportFailure(s);
  if (on_progress) on_progress("minutes", 1);
  if (!o.quiet) progress.Finish();

  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double audio = tr.duration;
  std::printf(
      "%s: audio %s, %zu speaker%s, %zu segments, %zu decision%s, %zu action item%s | wall %.1f s, "
      "RTF %.3f (decode %.3f, transcribe %.3f, diarize %.3f) | engine %s, language %s | -> %s/\n",
      std::filesystem::path(o.input).filename().c_str(), FormatDuration(audio).c_str(),
      tr.speakers.size(), tr.speakers.size() == 1 ? "" : "s", tr.segments.size(),
      outputs->minutes.decisions.size(), outputs->minutes.decisions.size() == 1 ? "" : "s",
      outputs->minutes.action_items.size(), outputs->minutes.action_items.size() == 1 ? "" : "s",
      wall, audio > 0 ? wall / audio : 0.0, audio > 0 ? result->times.decode / audio : 0.0,
      audio > 0 ? result->times.transcribe / audio : 0.0,
      audio > 0 ? result->times.diarize / audio : 0.0, result->engine.c_str(), tr.language.c_str(),
      o.out.c_str());
  return 0;
}

void AddRunCommand(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Transcribe a recording and write minutes");
  run->add_option("recording", opts->input,
                  "Audio or video file (wav, mp3, m4a, ogg, opus, "
                  "flac, webm, mp4, mkv…)")
      ->required();
  run->add_option("-o,--out", opts->out, "Output directory (default: <recording>.minutes)");
  run->add_option("--speakers", opts->speakers, "Number of speakers (default: detect)")
      ->check(CLI::Range(0, 32));
  run->add_option("--template", opts->template_name, "Minutes template")->capture_default_str();
  run->add_option("--templates-dir", opts->templates_dir,
                  "Directory of NAME.md.mustache templates overriding the built-ins");
  run->add_option("--engine", opts->engine,
                  "ASR engine: auto (whisper when its model is there, else pocketsphinx), "
                  "whisper, pocketsphinx, or a provider URL (openai://…, transcribe://REGION, "
                  "volcengine://…)")
      ->capture_default_str();
  run->add_option("--model", opts->model,
                  "whisper model: a name in the models directory (base.en) or a .bin file");
  run->add_option("--storage", opts->storage,
                  "s3://bucket/prefix?… where Amazon Transcribe / Volcano Engine fetch the audio "
                  "(credentials from AWS_*)");
  run->add_option("--language", opts->language, "Spoken language")->capture_default_str();
  run->add_option("--threads", opts->threads, "Decoding threads (default: all cores)")
      ->check(CLI::Range(0, 256));
  run->add_option("--title", opts->title, "Meeting title (default: derived from topics)");
  run->add_flag("-q,--quiet", opts->quiet, "No progress output");
  run->callback([opts, exit_code] {
    RunOptions o = *opts;
    if (o.out.empty()) o.out = std::filesystem::path(o.input).stem().string() + ".minutes";
    *exit_code = RunMeeting(o);
  });
}

}  // namespace minutes
