#pragma once
// `minutes worker`: a worker process (no HTTP) on the service's database, storage and queue.
#include <CLI/CLI.hpp>

namespace minutes {

void AddWorkerCommand(CLI::App& app, int* exit_code);

}  // namespace minutes
