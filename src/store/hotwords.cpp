#include "store/hotwords.hpp"

namespace minutes {

Result<std::vector<std::string>> HotwordsOfSet(Database& db, const std::string& set_id) {
  // NULLS LAST: SQLite's order for DESC; PostgreSQL put the words without a weight first.
  auto rows = db.Query(
      "SELECT word FROM hotwords WHERE set_id = ? ORDER BY weight DESC NULLS LAST, word", {set_id});
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const DbRow& r : *rows) out.push_back(AsString(r[0]));
  return out;
}

Result<std::vector<HotwordRow>> ListHotwords(Database& db, const std::string& set_id) {
  auto rows =
      db.Query("SELECT word, weight FROM hotwords WHERE set_id = ? ORDER BY word", {set_id});
  if (!rows.ok()) return rows.status();
  std::vector<HotwordRow> out;
  for (const DbRow& r : *rows) {
    // Weights are written as REAL; the routes always read only a REAL as a weight.
    std::optional<double> weight;
    if (auto* w = std::get_if<double>(&r[1])) weight = *w;
    out.push_back({AsString(r[0]), weight});
  }
  return out;
}

Status ReplaceHotwords(Database& tx, const std::string& set_id,
                       const std::vector<HotwordRow>& words) {
  if (Status s = tx.Exec("DELETE FROM hotwords WHERE set_id = ?", {set_id}); !s.ok()) return s;
  for (const HotwordRow& w : words)
    if (Status s = tx.Exec("INSERT INTO hotwords (set_id, word, weight) VALUES (?, ?, ?)",
                           {set_id, w.word, w.weight ? DbValue(*w.weight) : DbValue(nullptr)});
        !s.ok())
      return s;
  return Status::Ok();
}

Result<std::optional<HotwordSetRow>> FindTenantHotwordSet(Database& db, const std::string& set_id,
                                                          const std::string& tenant_id) {
  auto rows =
      db.Query("SELECT id, name, created_at FROM hotword_sets WHERE id = ? AND tenant_id = ?",
               {set_id, tenant_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<HotwordSetRow>();
  const DbRow& r = rows->front();
  return std::optional<HotwordSetRow>(
      HotwordSetRow{AsString(r[0]), AsString(r[1]), AsString(r[2])});
}

Result<bool> HotwordSetNameTaken(Database& db, const std::string& tenant_id,
                                 const std::string& name, const std::string& except_id) {
  auto rows = db.Query("SELECT id FROM hotword_sets WHERE tenant_id = ? AND name = ? AND id <> ?",
                       {tenant_id, name, except_id});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

Result<std::vector<HotwordSetSummary>> ListHotwordSets(Database& db, const std::string& tenant_id) {
  auto rows = db.Query(
      "SELECT s.id, s.name, s.created_at, (SELECT count(*) FROM hotwords w WHERE w.set_id = "
      "s.id) FROM hotword_sets s WHERE s.tenant_id = ? ORDER BY s.name",
      {tenant_id});
  if (!rows.ok()) return rows.status();
  std::vector<HotwordSetSummary> out;
  for (const DbRow& r : *rows)
    out.push_back({AsString(r[0]), AsString(r[1]), AsString(r[2]), AsInt(r[3])});
  return out;
}

Status InsertHotwordSet(Database& db, const HotwordSetRow& set, const std::string& tenant_id) {
  return db.Exec("INSERT INTO hotword_sets (id, tenant_id, name, created_at) VALUES (?, ?, ?, ?)",
                 {set.id, tenant_id, set.name, set.created_at});
}

Status RenameHotwordSet(Database& db, const std::string& set_id, const std::string& name) {
  return db.Exec("UPDATE hotword_sets SET name = ? WHERE id = ?", {name, set_id});
}

Status DeleteHotwordSet(Database& tx, const std::string& set_id) {
  if (Status e =
          tx.Exec("UPDATE tasks SET hotword_set_id = NULL WHERE hotword_set_id = ?", {set_id});
      !e.ok())
    return e;
  if (Status e = tx.Exec("DELETE FROM hotwords WHERE set_id = ?", {set_id}); !e.ok()) return e;
  return tx.Exec("DELETE FROM hotword_sets WHERE id = ?", {set_id});
}

Result<bool> TenantHasHotwordSet(Database& db, const std::string& set_id,
                                 const std::string& tenant_id) {
  auto rows =
      db.Query("SELECT 1 FROM hotword_sets WHERE id = ? AND tenant_id = ?", {set_id, tenant_id});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}
}  // namespace minutes
