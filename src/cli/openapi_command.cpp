#include "cli/openapi_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>

#include "api/openapi.hpp"

namespace minutes {

void AddOpenApiCommand(CLI::App& app, int* exit_code) {
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "openapi", "Print the API's OpenAPI 3 description (what /openapi.json serves)");
  cmd->add_option("--out", *out, "Write it to this file instead of standard output");
  cmd->callback([out, exit_code] {
    const std::string text = DescribeApi().dump(2) + "\n";
    if (out->empty()) {
      std::fputs(text.c_str(), stdout);
      return;
    }
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    if (!(file << text) || !file.flush()) {
      std::fprintf(stderr, "minutes: error: cannot write %s\n", out->c_str());
      *exit_code = 2;
    }
  });
}

}  // namespace minutes
