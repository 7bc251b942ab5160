#pragma once
// The minutes-versions repository (table artifacts): every version of a task's minutes, never
// overwritten, each with the template it was made with — its text and the tenant's version
// number — so later template edits never change what an existing version says.
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One row of artifacts.
struct MinutesVersion {
  std::string task_id;
  int64_t version = 0;
  std::string template_name;
  /// The template text it was made with; nullopt for rows from before migration 0008 whose
  /// template could not be recovered (then the built-in of that name is what they used).
  std::optional<std::string> template_body;
  std::optional<int64_t> template_version;  ///< 0 = built-in; nullopt = unknown (pre-0008)
  std::string generator;
  std::string minutes_json;
  /// What was repaired in the model's answer it was written from: a JSON array of
  /// minutes/minutes_repair.hpp's records, "[]" when nothing was (or no model wrote it).
  std::string repairs_json = "[]";
  std::string created_at;
};

/// Inserts `v` (created_at stamped now when empty). Run it inside the caller's transaction.
Status InsertMinutesVersion(Database& tx, const MinutesVersion& v);

/// Version `version` of the task's minutes, or the latest when nullopt; nullopt when absent.
Result<std::optional<MinutesVersion>> FindMinutesVersion(Database& db, const std::string& task_id,
                                                         std::optional<int64_t> version);

/// Whether the task has minutes version `version`.
Result<bool> HasMinutesVersion(Database& db, const std::string& task_id, int64_t version);

/// A version as listed (without its text).
struct MinutesVersionSummary {
  int64_t version = 0;
  std::string template_name, generator, created_at;
  std::optional<int64_t> template_version;  ///< as MinutesVersion's
  std::string repairs_json;                 ///< as MinutesVersion's
};

/// The versions of the task's minutes, oldest first.
Result<std::vector<MinutesVersionSummary>> ListMinutesVersions(Database& db,
                                                               const std::string& task_id);

/// The highest version number of the task's minutes, 0 when there is none.
Result<int64_t> LatestMinutesVersionNumber(Database& db, const std::string& task_id);

}  // namespace minutes
