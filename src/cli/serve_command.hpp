#pragma once
// `minutes serve`: the HTTP API, until SIGTERM or SIGINT.
#include "api/jwt.hpp"
#include "config/config.hpp"

namespace CLI {
class App;
}

namespace minutes {
/// Registers `serve` on `app`; the callback sets `*exit_code`.
void AddServeCommand(CLI::App& app, int* exit_code);

/// The token issuer the configuration asks for: RS256 with its key files, or HS256 with
/// auth.jwt_secret (else a secret generated once and kept in the data directory).
Result<JwtIssuer> MakeJwtIssuer(const Config& config);
}  // namespace minutes
