#pragma once
// `minutes render DIR [--name S1=Alice]...`: names speakers and re-renders minutes and exports
// from an existing run's transcript.json, without transcribing again.
#include <map>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/transcript.hpp"

namespace CLI {
class App;
}

namespace minutes {

/// Parses "S1=Alice" assignments; an empty name clears a name. BadInput on a malformed one.
Result<std::map<std::string, std::string>> ParseSpeakerNames(const std::vector<std::string>& args);

/// Applies names to a transcript's speakers; BadInput naming the unknown id and listing the known.
Status ApplySpeakerNames(const std::map<std::string, std::string>& names, Transcript* transcript);

/// Registers the `render` subcommand on `app`; the callback sets `*exit_code`.
void AddRenderCommand(CLI::App& app, int* exit_code);

}  // namespace minutes
