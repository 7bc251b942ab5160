#pragma once
// `minutes sweep`: removes temporary objects and files older than worker.temp_ttl_s once, now
// (workers also do it on their own, every ttl/4).
#include <CLI/CLI.hpp>

namespace minutes {

void AddSweepCommand(CLI::App& app, int* exit_code);

}  // namespace minutes
