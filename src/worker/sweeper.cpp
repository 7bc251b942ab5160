#include "worker/sweeper.hpp"

#include <filesystem>
#include <unordered_set>

#include "core/clock.hpp"

namespace minutes {

Result<SweepReport> SweepTemporaries(Database& db, ObjectStore& store, std::chrono::seconds ttl,
                                     const std::string& temp_dir) {
  namespace fs = std::filesystem;
  SweepReport report;
  const auto cutoff = std::chrono::system_clock::now() - ttl;

  auto staged = store.SweepIncomplete(cutoff);
  if (!staged.ok()) return staged.status();
  report.staged = *staged;

  auto probes = store.List("_probe/");
  if (!probes.ok()) return probes.status();
  for (auto& p : *probes)
    if (p.modified < cutoff && store.Delete(p.key).ok()) ++report.probes;

  // Recordings: the keys the database knows, read once, against what the store holds.
  auto rows = db.Query("SELECT storage_key FROM objects");
  if (!rows.ok()) return rows.status();
  std::unordered_set<std::string> known;
  for (auto& r : *rows) known.insert(AsString(r[0]));
  auto stored = store.List("tenants/");
  if (!stored.ok()) return stored.status();
  for (auto& o : *stored) {
    if (o.modified >= cutoff || known.count(o.key)) continue;
    if (o.key.find("/recordings/") == std::string::npos) continue;  // only what uploads write
    if (store.Delete(o.key).ok()) ++report.orphans;
  }

  auto open = db.Query(
      "SELECT id, storage_key, store_upload_id FROM uploads WHERE state = 'open' AND expires_at < "
      "?",
      {IsoFromNow(0)});
  if (!open.ok()) return open.status();
  for (auto& u : *open) {
    if (!store.AbortUpload(AsString(u[1]), AsString(u[2])).ok()) continue;
    if (db.Exec("UPDATE uploads SET state = 'expired' WHERE id = ? AND state = 'open'",
                {AsString(u[0])})
            .ok())
      ++report.uploads;
  }

  std::error_code ec;
  fs::path dir = temp_dir.empty() ? fs::temp_directory_path() : fs::path(temp_dir);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind("minutes-task-", 0) != 0) continue;
    std::error_code e2;
    auto when = std::chrono::file_clock::to_sys(it->last_write_time(e2));
    if (!e2 && when < cutoff && fs::remove(it->path(), e2)) ++report.temp_files;
  }
  return report;
}

}  // namespace minutes
