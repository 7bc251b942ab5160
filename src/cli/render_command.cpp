#include "cli/render_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/outputs.hpp"
#include "core/text.hpp"
#include "export/output_dir.hpp"
#include "export/transcript_json.hpp"

namespace minutes {

Result<std::map<std::string, std::string>> ParseSpeakerNames(const std::vector<std::string>& args) {
  std::map<std::string, std::string> names;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::BadInput("--name '" + a + "': expected SPEAKER=NAME, e.g. S1=Alice");
    names[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return names;
}

Status ApplySpeakerNames(const std::map<std::string, std::string>& names, Transcript* tr) {
  auto find = [tr](const std::string& id) {
    return std::find_if(tr->speakers.begin(), tr->speakers.end(),
                        [&](const Speaker& s) { return s.id == id; });
  };
  for (const auto& [id, name] : names) {  // validate all first: all or nothing
    if (find(id) != tr->speakers.end()) continue;
    std::vector<std::string> ids;
    for (auto& s : tr->speakers) ids.push_back(s.id);
    return Status::BadInput("no speaker '" + id +
                            "' in this transcript (speakers: " + Join(ids, ", ") + ")");
  }
  for (const auto& [id, name] : names) {
    auto it = find(id);
    if (name.empty())
      it->name.reset();
    else
      it->name = name;
  }
  return Status::Ok();
}

namespace {

struct RenderOptions {
  std::string dir;
  std::vector<std::string> names;
  MinutesOptions minutes;
};

int Render(const RenderOptions& o) {
  namespace fs = std::filesystem;
  fs::path path = fs::path(o.dir) / "transcript.json";
  std::ifstream in(path);
  if (!in) return ReportFailure(Status::NotFound(path.string() + ": no such file"));
  nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded())
    return ReportFailure(Status::BadInput(path.string() + ": not valid JSON"));
  auto tr = TranscriptFromJson(json);
  if (!tr.ok())
    return ReportFailure(Status::BadInput(path.string() + ": " + tr.status().message()));
  auto names = ParseSpeakerNames(o.names);
  if (!names.ok()) return ReportFailure(names.status());
  if (Status s = ApplySpeakerNames(*names, &tr.value()); !s.ok()) return ReportFailure(s);
  if (Status s = CheckTemplate(o.minutes); !s.ok()) return ReportFailure(s);
  // RTTM names the recording; keep the name the original run used.
  std::string uri = "meeting";
  std::ifstream rttm(fs::path(o.dir) / "transcript.rttm");
  std::string kind;
  if (rttm >> kind >> uri && kind != "SPEAKER") uri = "meeting";
  auto outputs = BuildOutputs(*tr, o.minutes, uri);
  if (!outputs.ok()) return ReportFailure(outputs.status());
  if (Status s = WriteOutputFiles(o.dir, outputs->files); !s.ok()) return ReportFailure(s);
  std::printf("%s: re-rendered %zu files with template '%s'\n", o.dir.c_str(),
              outputs->files.size(), o.minutes.template_name.c_str());
  return 0;
}

}  // namespace

void AddRenderCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<RenderOptions>();
  CLI::App* cmd = app.add_subcommand(
      "render", "Name speakers and re-render minutes and exports of an earlier run");
  cmd->add_option("dir", o->dir, "Output directory of `minutes run`")->required();
  cmd->add_option("-n,--name", o->names, "Speaker name, SPEAKER=NAME (repeatable), e.g. S1=Alice");
  cmd->add_option("--template", o->minutes.template_name, "Minutes template")
      ->capture_default_str();
  cmd->add_option("--templates-dir", o->minutes.templates_dir,
                  "Directory of NAME.md.mustache templates overriding the built-ins");
  cmd->add_option("--title", o->minutes.title, "Meeting title");
  cmd->callback([o, exit_code] { *exit_code = Render(*o); });
}

}  // namespace minutes
