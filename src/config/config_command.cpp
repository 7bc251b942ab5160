#include "config/config_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "config/config.hpp"
#include "config/config_fields.hpp"

namespace minutes {

void AddConfigCommand(CLI::App& app, int* exit_code) {
  auto path = std::make_shared<std::string>();
  auto data_dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("config", "Inspect the service configuration");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand("show", "Print the effective config, secrets masked");
  show->add_option("--config", *path, "YAML config file")->envname("MINUTES_CONFIG");
  show->add_option("--data-dir", *data_dir, "Data directory (overrides MINUTES_DATA_DIR)");
  show->callback([path, data_dir, exit_code] {
    auto env = EnvironmentMap();
    if (!data_dir->empty()) env["MINUTES_DATA_DIR"] = *data_dir;
    auto config = LoadConfig(*path, env);
    if (!config.ok()) {
      std::fprintf(stderr, "minutes: error: %s\n", config.status().message().c_str());
      *exit_code = 2;
      return;
    }
    std::fputs(ShowConfig(*config).c_str(), stdout);
  });
  CLI::App* keys = cmd->add_subcommand(
      "keys", "Every configuration key and the environment variable that sets it");
  keys->callback([] {
    Config defaults;
    for (const auto& f : config_detail::Fields(defaults))
      std::printf("%s\t%s\n", f.path.c_str(), config_detail::EnvName(f.path).c_str());
  });
}

}  // namespace minutes
