#include "asr/engine_choice.hpp"

#include <algorithm>

#include "asr/transcriber.hpp"
#include "core/text.hpp"

namespace minutes {

std::vector<std::string> ConfiguredEngines(const std::string& engine,
                                           const std::vector<std::string>& fallback) {
  std::vector<std::string> all = {engine.empty() ? "auto" : engine};
  all.insert(all.end(), fallback.begin(), fallback.end());
  return all;
}

std::vector<std::string> EngineChoices(const std::vector<std::string>& configured) {
  std::vector<std::string> names = {"auto"};
  for (const auto& e : configured) {
    std::string n = AsrEngineName(e);
    if (n != "auto" && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  for (const char* embedded : {"whisper", "pocketsphinx"})
    if (std::find(names.begin(), names.end(), embedded) == names.end()) names.push_back(embedded);
  return names;
}

Status CheckEngineChoice(const std::vector<std::string>& configured, const std::string& choice) {
  auto names = EngineChoices(configured);
  if (choice.empty() || std::find(names.begin(), names.end(), choice) != names.end())
    return Status::Ok();
  return Status::BadInput("engine '" + choice +
                          "' is not configured here (choose from: " + Join(names, ", ") + ")");
}

Result<std::vector<std::string>> EnginesFor(const std::vector<std::string>& configured,
                                            const std::string& choice) {
  if (Status s = CheckEngineChoice(configured, choice); !s.ok()) return s;
  if (choice.empty() || choice == "auto") return configured;
  std::vector<std::string> out, rest;
  for (const auto& e : configured)
    (AsrEngineName(e) == choice && out.empty() ? out : rest).push_back(e);
  if (out.empty()) out.push_back(choice);  // an embedded engine not configured as such
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace minutes
