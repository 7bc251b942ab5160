#pragma once
// `minutes serve`: the HTTP API, until SIGTERM or SIGINT.
namespace CLI {
class App;
}

namespace minutes {
/// Registers `serve` on `app`; the callback sets `*exit_code`.
void AddServeCommand(CLI::App& app, int* exit_code);
}  // namespace minutes
