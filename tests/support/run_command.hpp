#pragma once
// Running a program from a test and capturing what it printed.
#include <string>

namespace minutes::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr, interleaved
};

/// Runs `command` with /bin/sh, stderr merged into stdout.
CommandResult RunCommand(const std::string& command);

/// Quotes a string for /bin/sh.
std::string ShellQuote(const std::string& s);

}  // namespace minutes::testing
