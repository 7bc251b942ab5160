#pragma once
// `minutes openapi`: prints the API's OpenAPI description, as a running service serves it at
// /openapi.json, without starting one (for client generators; web/openapi.json is its output).
namespace CLI {
class App;
}

namespace minutes {
/// Registers the `openapi` subcommand on `app`; callbacks set `*exit_code`.
void AddOpenApiCommand(CLI::App& app, int* exit_code);
}  // namespace minutes
