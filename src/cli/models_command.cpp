#include "cli/models_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>

#include "asr/model_store.hpp"
#include "asr/whisper_transcriber.hpp"
#include "cli/outputs.hpp"
#include "cli/progress.hpp"
#include "cli/service_config.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

struct ModelsArgs {
  ConfigFlags flags;
  std::string name, sha256;
  bool verify = false;
};

std::string Size(int64_t bytes) {
  char buf[32];
  if (bytes >= (int64_t{1} << 30))
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1 << 30));
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

// The models directory and download base after config, environment and flags.
Result<std::pair<std::string, std::string>> Where(const ModelsArgs& a) {
  auto config = ResolveConfig(a.flags);
  if (!config.ok()) return config.status();
  return std::make_pair(WhisperModelsDir(), config->asr.models_url);
}

int List(const ModelsArgs& a) {
  auto where = Where(a);
  if (!where.ok()) return ReportFailure(where.status());
  const std::string& dir = where->first;
  auto installed = InstalledModels(dir);
  std::printf("models directory: %s\n", dir.c_str());
  std::printf("%-22s %10s  %s\n", "NAME", "SIZE", "STATE");
  auto find = [&](const std::string& name) -> const InstalledModel* {
    for (auto& m : installed)
      if (m.name == name) return &m;
    return nullptr;
  };
  int bad = 0;
  for (const auto& m : ModelCatalog()) {
    std::string state = "-";
    if (const InstalledModel* have = find(m.name)) {
      if (have->bytes != m.bytes) {
        state = "damaged (" + std::to_string(have->bytes) + " bytes; pull it again)", ++bad;
      } else if (a.verify) {
        Status v = VerifyModelFile(have->path, m);
        state = v.ok() ? "installed, SHA-256 verified" : "damaged (" + v.message() + ")";
        bad += v.ok() ? 0 : 1;
      } else {
        state = "installed";
      }
    } else if (int64_t part = PartialBytes(dir, m.name); part > 0) {
      char pct[64];
      std::snprintf(pct, sizeof pct, "partial %.0f%% (pull again to resume)",
                    100.0 * static_cast<double>(part) / static_cast<double>(m.bytes));
      state = pct;
    }
    std::printf("%-22s %10s  %s\n", m.name.c_str(), Size(m.bytes).c_str(), state.c_str());
  }
  for (const auto& m : installed)
    if (!m.known)
      std::printf("%-22s %10s  installed (not an official model; not verified)\n", m.name.c_str(),
                  Size(m.bytes).c_str());
  return bad > 0 ? 1 : 0;
}

int Pull(const ModelsArgs& a) {
  auto where = Where(a);
  if (!where.ok()) return ReportFailure(where.status());
  ModelInfo model;
  if (const ModelInfo* known = FindModel(a.name)) {
    model = *known;
    if (!a.sha256.empty() && a.sha256 != model.sha256)
      return ReportFailure(Status::BadInput(a.name + " is an official model with SHA-256 " +
                                            model.sha256 + "; --sha256 is for other models"));
  } else if (!a.sha256.empty()) {
    if (!std::regex_match(a.sha256, std::regex("[0-9a-f]{64}")))
      return ReportFailure(Status::BadInput("--sha256 must be 64 lower-case hex digits"));
    if (!std::regex_match(a.name, std::regex("[A-Za-z0-9][A-Za-z0-9._-]*")))
      return ReportFailure(Status::BadInput("a model name is letters, digits, '.', '_' or '-'"));
    model = {a.name, 0, a.sha256};
  } else {
    std::string names;
    for (const auto& m : ModelCatalog()) names += (names.empty() ? "" : ", ") + m.name;
    return ReportFailure(Status::BadInput("unknown model '" + a.name + "' (known: " + names +
                                          "; for another model give its --sha256)"));
  }
  PullOptions o;
  o.dir = where->first;
  o.base_url = where->second;
  ProgressReporter bar(stderr, isatty(STDERR_FILENO) != 0, {{"pull " + model.name, 1.0}});
  o.progress = [&](int64_t done, int64_t total) {
    if (total > 0)
      bar.Update("pull " + model.name, static_cast<double>(done) / static_cast<double>(total));
  };
  auto r = PullModel(model, o);
  bar.Finish();
  if (!r.ok()) return ReportFailure(r.status());
  if (r->already)
    std::printf("%s is already installed and verified: %s\n", model.name.c_str(), r->path.c_str());
  else
    std::printf("%s installed (%s, SHA-256 verified%s): %s\n", model.name.c_str(),
                Size(r->bytes).c_str(),
                r->resumed_from > 0 ? (", resumed at " + Size(r->resumed_from)).c_str() : "",
                r->path.c_str());
  return 0;
}

int Remove(const ModelsArgs& a) {
  auto where = Where(a);
  if (!where.ok()) return ReportFailure(where.status());
  Status s = RemoveModel(where->first, a.name);
  if (!s.ok()) return ReportFailure(s);
  std::printf("removed %s from %s\n", a.name.c_str(), where->first.c_str());
  return 0;
}

int Path(const ModelsArgs& a) {
  auto where = Where(a);
  if (!where.ok()) return ReportFailure(where.status());
  if (a.name.empty()) {
    std::printf("%s\n", where->first.c_str());
    return 0;
  }
  const std::string path = (fs::path(where->first) / ModelFileName(a.name)).string();
  std::printf("%s\n", path.c_str());
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    std::fprintf(stderr, "minutes: %s is not installed (minutes models pull %s)\n", a.name.c_str(),
                 a.name.c_str());
    return 1;
  }
  return 0;
}

CLI::App* Sub(CLI::App* models, const std::string& name, const std::string& help,
              const std::shared_ptr<ModelsArgs>& a) {
  CLI::App* cmd = models->add_subcommand(name, help);
  cmd->add_option("--config", a->flags.config_file, "YAML configuration file");
  AddOverride(cmd, &a->flags, "--dir", "asr.models_dir",
              "Models directory (default $MINUTES_MODELS_DIR or ~/.local/share/minutes/models)");
  return cmd;
}

}  // namespace

void AddModelsCommand(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ModelsArgs>();
  CLI::App* models = app.add_subcommand(
      "models", "whisper.cpp models: list, pull (resumable, SHA-256 verified), rm, path");
  models->require_subcommand(1);

  CLI::App* list = Sub(models, "list", "Official models and what is installed", a);
  list->add_flag("--verify", a->verify, "Check every installed model's SHA-256 (reads them all)");
  list->callback([a, exit_code] { *exit_code = List(*a); });

  CLI::App* pull = Sub(models, "pull", "Download a model (resumes an interrupted pull)", a);
  pull->add_option("name", a->name, "Model name: tiny, base.en, small, large-v3-turbo, …")
      ->required();
  AddOverride(pull, &a->flags, "--base-url", "asr.models_url",
              "Download base (a mirror with the official file names)");
  pull->add_option("--sha256", a->sha256, "Expected SHA-256 of a model not in the catalog");
  pull->callback([a, exit_code] { *exit_code = Pull(*a); });

  CLI::App* rm = Sub(models, "rm", "Delete an installed model (and any partial pull)", a);
  rm->add_option("name", a->name, "Model name")->required();
  rm->callback([a, exit_code] { *exit_code = Remove(*a); });

  CLI::App* path = Sub(models, "path", "Print the models directory, or a model's file", a);
  path->add_option("name", a->name, "Model name");
  path->callback([a, exit_code] { *exit_code = Path(*a); });
}

}  // namespace minutes
