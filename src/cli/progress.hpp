#pragma once
// Terminal progress: a redrawn bar on a TTY, plain lines otherwise.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace minutes {

/// Reports stage progress on a stream (stderr). Stages have weights so one overall percentage
/// and an ETA can be shown. Not thread-safe: call from one thread.
class ProgressReporter {
 public:
  /// `stages`: (name, weight) in run order. `tty` chooses the redrawn bar over plain lines.
  ProgressReporter(std::FILE* out, bool tty, std::vector<std::pair<std::string, double>> stages);
  /// Records that `stage` is `fraction` (0..1) done, redrawing or printing as appropriate.
  void Update(const std::string& stage, double fraction);
  /// Ends the bar (newline on a TTY).
  void Finish();
  /// Overall fraction done, 0..1.
  double Overall() const { return overall_; }

 private:
  void Draw(const std::string& stage, double fraction, double elapsed);
  std::FILE* out_;
  bool tty_;
  std::vector<std::pair<std::string, double>> stages_;
  std::chrono::steady_clock::time_point t0_;
  double overall_ = 0;
  std::string last_stage_;
  int last_decile_ = -1;
  double last_draw_ = -1;
};

/// "m:ss" or "h:mm:ss".
std::string FormatDuration(double seconds);

}  // namespace minutes
