#pragma once
// Writing a run's output files into a directory all together or not at all.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// Writes `files` (plain file name -> content) into `dir` so that either all of them appear or
/// none does. Files are first written to a temporary directory "<dir>.tmp-XXXXXX" beside `dir`
/// (inside `dir`, hidden, when `dir` is a mount point, since rename cannot cross file systems),
/// then `dir` is created if missing and each file is renamed into it. Other files in `dir` are
/// left alone; files with the same names are replaced, and restored if a later step fails. On
/// failure nothing written remains and the result is Status::Io naming the path and the system
/// error; a name that is not a plain file name (empty, ".", "..", containing '/') or appears
/// twice gives Status::BadInput before anything is written. Not safe against concurrent writers
/// of the same directory.
Status WriteOutputFiles(const std::filesystem::path& dir,
                        const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace minutes
