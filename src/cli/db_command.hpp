#pragma once
// `minutes db migrate|status`: versioned schema migrations of the service database.
namespace CLI {
class App;
}

namespace minutes {
/// Registers the `db` subcommand on `app`; callbacks set `*exit_code`.
void AddDbCommand(CLI::App& app, int* exit_code);
}  // namespace minutes
