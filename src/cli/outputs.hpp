#pragma once
// The files a run writes, produced from a transcript the same way by `run` and `render`.
#include <string>
#include <utility>
#include <vector>

#include "core/minutes_doc.hpp"
#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// How to produce minutes from a transcript.
struct MinutesOptions {
  std::string template_name = "default";
  std::string templates_dir;  ///< empty = built-in templates only
  std::string title;          ///< empty = derived from topics
  std::string source_name;    ///< recording file name, shown in the minutes
};

/// Everything `out/` holds: (file name, content) pairs, plus the minutes for the summary line.
struct Outputs {
  std::vector<std::pair<std::string, std::string>> files;
  MinutesDoc minutes;
};

/// Checks that the template exists (before any expensive work); BadInput lists the available.
Status CheckTemplate(const MinutesOptions& options);

/// Generates minutes with the offline generator and renders every export.
/// `uri` names the recording in RTTM.
Result<Outputs> BuildOutputs(const Transcript& transcript, const MinutesOptions& options,
                             const std::string& uri);

/// Exit code for a failed Status: 2 for bad input or a missing file, 1 otherwise; prints it.
int ReportFailure(const Status& status);

}  // namespace minutes
