#pragma once
// Which speech engines a task runs on: the configured order (asr.engine, then asr.fallback),
// or — when the task or its tenant names one — that engine first and the others after it as
// failover. Names are the ones AsrEngineName gives ("transcribe", "volcengine", a URL's
// name=…, "pocketsphinx"); a task can never bring its own URL (keys and endpoints stay in the
// operator's configuration).
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// `engine` followed by `fallback`, as configured.
std::vector<std::string> ConfiguredEngines(const std::string& engine,
                                           const std::vector<std::string>& fallback);

/// The names a task or tenant may choose from: "auto", every configured engine's name, and
/// "pocketsphinx" (embedded, always there).
std::vector<std::string> EngineChoices(const std::vector<std::string>& configured);

/// Ok when `choice` is one of EngineChoices; BadInput listing them otherwise.
Status CheckEngineChoice(const std::vector<std::string>& configured, const std::string& choice);

/// The engines to try for `choice`, in order ("auto" or "": as configured).
Result<std::vector<std::string>> EnginesFor(const std::vector<std::string>& configured,
                                            const std::string& choice);

}  // namespace minutes
