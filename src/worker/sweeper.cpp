#include "worker/sweeper.hpp"

#include <filesystem>
#include <unordered_set>

#include "core/clock.hpp"
#include "store/objects.hpp"
#include "store/uploads.hpp"

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
  auto keys = AllStorageKeys(db);
  if (!keys.ok()) return keys.status();
  std::unordered_set<std::string> known(keys->begin(), keys->end());
  auto stored = store.List("tenants/");
  if (!stored.ok()) return stored.status();
  for (auto& o : *stored) {
    if (o.modified >= cutoff || known.count(o.key)) continue;
    if (o.key.find("/recordings/") == std::string::npos) continue;  // only what uploads write
    if (store.Delete(o.key).ok()) ++report.orphans;
  }

  auto expired = FindExpiredUploads(db, IsoFromNow(0));
  if (!expired.ok()) return expired.status();
  for (const ExpiredUpload& u : *expired) {
    if (!store.AbortUpload(u.storage_key, u.store_upload_id).ok()) continue;
    if (MarkUploadExpired(db, u.id).ok()) ++report.uploads;
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
