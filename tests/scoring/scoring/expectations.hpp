#pragma once
// Ground truth for minutes, read from the comment lines of a meeting script (tests/meetings):
//   # expect-decision: <key words>
//   # expect-action: <owner> | <key words>
#include <string>
#include <string_view>
#include <vector>

namespace minutes::scoring {

/// One expected decision or action item.
struct ExpectedItem {
  std::string owner;               ///< lower-case script name of the owner; empty for decisions
  std::vector<std::string> words;  ///< normalised key words that the detected text must contain
};

struct MeetingExpectations {
  std::vector<ExpectedItem> decisions;
  std::vector<ExpectedItem> actions;
};

/// Reads the expect-decision / expect-action lines of a meeting script. Returns empty lists and
/// sets *error (when given) if the file cannot be read or an expect line is malformed.
MeetingExpectations ReadExpectations(const std::string& script_path, std::string* error = nullptr);

/// True when every key word occurs among NormalizeWords(text).
bool ContainsKeyWords(std::string_view text, const std::vector<std::string>& words);

}  // namespace minutes::scoring
