#include "store/jobs.hpp"

namespace minutes {

Result<std::vector<JobCount>> CountJobs(Database& db) {
  auto rows = db.Query("SELECT lane, state, count(*) FROM jobs GROUP BY lane, state");
  if (!rows.ok()) return rows.status();
  std::vector<JobCount> out;
  for (const DbRow& r : *rows) out.push_back({AsString(r[0]), AsString(r[1]), AsInt(r[2])});
  return out;
}

Result<std::vector<std::string>> PendingMinutesJobPayloads(Database& db,
                                                           const std::string& task_id) {
  auto rows = db.Query(
      "SELECT payload FROM jobs WHERE task_id = ? AND kind = 'minutes' AND state IN "
      "('ready', 'leased')",
      {task_id});
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const DbRow& r : *rows) out.push_back(AsString(r[0]));
  return out;
}

}  // namespace minutes
