#include "store/minutes_versions.hpp"

#include "core/clock.hpp"
#include "store/row_values.hpp"

namespace minutes {

using store_detail::Nullable;
using store_detail::OptionalInt;
using store_detail::OptionalText;

Status InsertMinutesVersion(Database& tx, const MinutesVersion& v) {
  return tx.Exec(
      "INSERT INTO artifacts (task_id, version, template, template_body, template_version, "
      "generator, minutes_json, repairs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {v.task_id, v.version, v.template_name, Nullable(v.template_body),
       Nullable(v.template_version), v.generator, v.minutes_json, v.repairs_json,
       v.created_at.empty() ? NowIso() : v.created_at});
}

Result<std::optional<MinutesVersion>> FindMinutesVersion(Database& db, const std::string& task_id,
                                                         std::optional<int64_t> version) {
  const std::string columns =
      "SELECT task_id, version, template, template_body, template_version, generator, "
      "minutes_json, created_at, repairs FROM artifacts WHERE task_id = ? ";
  auto rows = version ? db.Query(columns + "AND version = ?", {task_id, *version})
                      : db.Query(columns + "ORDER BY version DESC LIMIT 1", {task_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<MinutesVersion>();
  const DbRow& r = (*rows)[0];
  MinutesVersion v;
  v.task_id = AsString(r[0]);
  v.version = AsInt(r[1]);
  v.template_name = AsString(r[2]);
  v.template_body = OptionalText(r[3]);
  v.template_version = OptionalInt(r[4]);
  v.generator = AsString(r[5]);
  v.minutes_json = AsString(r[6]);
  v.created_at = AsString(r[7]);
  v.repairs_json = AsString(r[8]);
  return std::optional<MinutesVersion>(std::move(v));
}

Result<bool> HasMinutesVersion(Database& db, const std::string& task_id, int64_t version) {
  auto rows =
      db.Query("SELECT 1 FROM artifacts WHERE task_id = ? AND version = ?", {task_id, version});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

Result<std::vector<MinutesVersionSummary>> ListMinutesVersions(Database& db,
                                                               const std::string& task_id) {
  auto rows = db.Query(
      "SELECT version, template, generator, created_at, template_version, repairs FROM "
      "artifacts WHERE task_id = ? ORDER BY version",
      {task_id});
  if (!rows.ok()) return rows.status();
  std::vector<MinutesVersionSummary> out;
  for (const DbRow& r : *rows)
    out.push_back({AsInt(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3]), OptionalInt(r[4]),
                   AsString(r[5])});
  return out;
}

Result<int64_t> LatestMinutesVersionNumber(Database& db, const std::string& task_id) {
  auto rows =
      db.Query("SELECT coalesce(max(version), 0) FROM artifacts WHERE task_id = ?", {task_id});
  if (!rows.ok()) return rows.status();
  return AsInt(rows->front()[0]);
}

}  // namespace minutes
