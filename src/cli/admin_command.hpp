#pragma once
// Admin commands an operator runs next to a live server: tenants, users, API keys, defaults.
namespace CLI {
class App;
}

namespace minutes {
/// Registers `tenant`, `user`, `apikey` and `init-defaults` on `app`; callbacks set `*exit_code`.
void AddAdminCommands(CLI::App& app, int* exit_code);
}  // namespace minutes
