#include "cli/progress.hpp"

#include <algorithm>
#include <cmath>

namespace minutes {

std::string FormatDuration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

ProgressReporter::ProgressReporter(std::FILE* out, bool tty,
                                   std::vector<std::pair<std::string, double>> stages)
    : out_(out), tty_(tty), stages_(std::move(stages)), t0_(std::chrono::steady_clock::now()) {}

void ProgressReporter::Update(const std::string& stage, double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  double total = 0, before = 0, weight = 0;
  bool seen = false;
  for (auto& [name, w] : stages_) {
    total += w;
    if (name == stage) seen = true, weight = w;
    if (!seen) before += w;
  }
  if (!seen || total <= 0) return;
  overall_ = std::max(overall_, (before + weight * fraction) / total);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  if (tty_) {
    if (elapsed - last_draw_ < 0.1 && fraction < 1.0 && stage == last_stage_) return;
    last_draw_ = elapsed;
    last_stage_ = stage;
    Draw(stage, fraction, elapsed);
    return;
  }
  int decile = static_cast<int>(fraction * 10);
  if (stage == last_stage_ && decile == last_decile_) return;
  last_stage_ = stage;
  last_decile_ = decile;
  std::fprintf(out_, "%-10s %3.0f%%  overall %3.0f%%  elapsed %s\n", stage.c_str(), fraction * 100,
               overall_ * 100, FormatDuration(elapsed).c_str());
  std::fflush(out_);
}

void ProgressReporter::Draw(const std::string& stage, double fraction, double elapsed) {
  constexpr int kWidth = 28;
  int filled = static_cast<int>(overall_ * kWidth);
  std::string bar;
  for (int i = 0; i < kWidth; ++i) bar += i < filled ? "\u2588" : "\u2591";
  std::string eta = overall_ > 0.02 ? FormatDuration(elapsed * (1 - overall_) / overall_) : "--:--";
  std::fprintf(out_, "\r\033[K%-10s %s %3.0f%%  stage %3.0f%%  elapsed %s  ETA %s", stage.c_str(),
               bar.c_str(), overall_ * 100, fraction * 100, FormatDuration(elapsed).c_str(),
               eta.c_str());
  std::fflush(out_);
}

void ProgressReporter::Finish() {
  if (tty_) std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
}

}  // namespace minutes
