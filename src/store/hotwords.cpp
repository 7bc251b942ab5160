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

}  // namespace minutes
