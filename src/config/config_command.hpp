#pragma once
// `minutes config show [--config FILE] [--data-dir DIR]`: prints the effective config.
namespace CLI {
class App;
}

namespace minutes {
/// Registers the `config` subcommand on `app`; a bad config prints the error and sets
/// `*exit_code` to 2.
void AddConfigCommand(CLI::App& app, int* exit_code);
}  // namespace minutes
