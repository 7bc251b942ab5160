#include "store/templates.hpp"

#include "core/clock.hpp"
#include "store/row_values.hpp"

namespace minutes {
namespace {

const char* const kTemplateColumns =
    "SELECT p.id, p.tenant_id, p.name, p.version, p.body, p.created_at, p.owner_id, u.username "
    "FROM prompt_templates p LEFT JOIN users u ON u.id = p.owner_id ";

TemplateRow ReadTemplateRow(const DbRow& r) {
  return {AsString(r[0]),
          AsString(r[1]),
          AsString(r[2]),
          AsInt(r[3]),
          AsString(r[4]),
          AsString(r[5]),
          store_detail::OptionalText(r[6]),
          AsString(r[7])};
}

Result<std::vector<TemplateRow>> ReadTemplateRows(Result<std::vector<DbRow>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<TemplateRow> out;
  for (const DbRow& r : *rows) out.push_back(ReadTemplateRow(r));
  return out;
}

}  // namespace

Result<std::vector<TemplateRow>> FindLatestTemplates(Database& db, const std::string& tenant_id) {
  return ReadTemplateRows(
      db.Query(std::string(kTemplateColumns) +
                   "WHERE p.tenant_id = ? AND p.version = (SELECT max(q.version) FROM "
                   "prompt_templates q WHERE q.tenant_id = p.tenant_id AND q.name = p.name) "
                   "ORDER BY p.name",
               {tenant_id}));
}

Result<std::optional<TemplateRow>> FindLatestTemplate(Database& db, const std::string& tenant_id,
                                                      const std::string& name) {
  auto rows = ReadTemplateRows(
      db.Query(std::string(kTemplateColumns) +
                   "WHERE p.tenant_id = ? AND p.name = ? ORDER BY p.version DESC LIMIT 1",
               {tenant_id, name}));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TemplateRow>();
  return std::optional<TemplateRow>(std::move(rows->front()));
}

Result<std::vector<TemplateRow>> FindTemplateVersions(Database& db, const std::string& tenant_id,
                                                      const std::string& name) {
  return ReadTemplateRows(db.Query(
      std::string(kTemplateColumns) + "WHERE p.tenant_id = ? AND p.name = ? ORDER BY p.version",
      {tenant_id, name}));
}

Status InsertTemplateVersion(Database& tx, const TemplateRow& row) {
  return tx.Exec(
      "INSERT INTO prompt_templates (id, tenant_id, name, version, body, created_at, owner_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {row.id, row.tenant_id, row.name, row.version, row.body,
       row.created_at.empty() ? NowIso() : row.created_at, store_detail::Nullable(row.owner_id)});
}

Status DeleteTemplateVersions(Database& tx, const std::string& tenant_id, const std::string& name) {
  return tx.Exec("DELETE FROM prompt_templates WHERE tenant_id = ? AND name = ?",
                 {tenant_id, name});
}

}  // namespace minutes
