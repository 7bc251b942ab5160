#pragma once
// `minutes templates list|show NAME`: what templates are available and what they contain.
namespace CLI {
class App;
}

namespace minutes {
/// Registers the `templates` subcommand on `app`; callbacks set `*exit_code`.
void AddTemplatesCommand(CLI::App& app, int* exit_code);
}  // namespace minutes
