#pragma once
// `minutes run RECORDING --out DIR`: the whole offline path, from a recording to minutes.
#include <string>

namespace CLI {
class App;
}

namespace minutes {

/// Options of `minutes run`.
struct RunOptions {
  std::string input;
  std::string out;
  std::string engine = "auto";
  std::string language = "en";
  std::string template_name = "default";
  std::string templates_dir;
  std::string title;
  std::string storage;  ///< s3://… where whole-recording providers fetch the audio
  std::string model;    ///< whisper's model name or file
  int speakers = 0;
  int threads = 0;
  bool quiet = false;
};

/// Registers the `run` subcommand on `app`; the callback sets `*exit_code`.
void AddRunCommand(CLI::App& app, int* exit_code);

/// Runs the pipeline and writes every output; returns the process exit code
/// (0 ok, 2 bad input — nothing written, 1 other failure).
int RunMeeting(const RunOptions& options);

}  // namespace minutes
