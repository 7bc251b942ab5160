#include "cli/templates_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "minutes/template_set.hpp"

namespace minutes {

void AddTemplatesCommand(CLI::App& app, int* exit_code) {
  auto dir = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("templates", "List or show minutes templates");
  cmd->add_option("--templates-dir", *dir, "Directory of NAME.md.mustache templates");
  cmd->require_subcommand(1);
  auto load = [dir]() -> Result<TemplateSet> {
    return dir->empty() ? TemplateSet::Builtin() : TemplateSet::LoadDirectory(*dir);
  };
  cmd->add_subcommand("list", "List template names")->callback([load, exit_code] {
    auto set = load();
    if (!set.ok()) {
      std::fprintf(stderr, "minutes: error: %s\n", set.status().message().c_str());
      *exit_code = 2;
      return;
    }
    for (auto& n : set->Names()) std::printf("%s\n", n.c_str());
  });
  CLI::App* show = cmd->add_subcommand("show", "Print a template's source");
  show->add_option("name", *name)->required();
  show->callback([load, name, exit_code] {
    auto set = load();
    auto src = set.ok() ? set->Source(*name) : Result<std::string>(set.status());
    if (!src.ok()) {
      std::fprintf(stderr, "minutes: error: %s\n", src.status().message().c_str());
      *exit_code = 2;
      return;
    }
    std::fputs(src->c_str(), stdout);
  });
}

}  // namespace minutes
