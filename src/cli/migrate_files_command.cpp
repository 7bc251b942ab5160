#include "cli/migrate_files_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/outputs.hpp"
#include "cli/progress.hpp"
#include "cli/service_config.hpp"
#include "db/database.hpp"
#include "net/url.hpp"
#include "storage/object_store.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;

struct MigrateFilesOptions {
  std::string from, to;
  bool dry_run = false;
  bool check_db = true;
};

// Copies one object through a temporary file (no object is held in memory) and checks that
// the target holds the same bytes.
Status CopyObject(ObjectStore& from, ObjectStore& to, const ObjectInfo& src,
                  const fs::path& scratch) {
  {
    std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
    if (Status s = from.Get(src.key, 0, -1, out); !s.ok()) return s;
    out.flush();
    if (!out) return Status::Io("cannot write the temporary copy of " + src.key);
  }
  std::ifstream in(scratch, std::ios::binary);
  auto put = to.Put(src.key, in, INT64_MAX);
  if (!put.ok()) return put.status();
  if (put->size != src.size || (!src.sha256.empty() && put->sha256 != src.sha256))
    return Status::Io("verification failed for " + src.key + ": the target has " +
                      std::to_string(put->size) + " bytes with SHA-256 " + put->sha256 +
                      ", the source " + std::to_string(src.size) + " bytes with " + src.sha256);
  return Status::Ok();
}

int Migrate(const ConfigFlags& flags, const MigrateFilesOptions& o) {
  auto config = ResolveConfig(flags);
  if (!config.ok()) return ReportFailure(config.status());
  auto from = OpenObjectStore(o.from, config->storage_access_key, config->storage_secret_key);
  if (!from.ok())
    return ReportFailure(Status(from.status().kind(), "--from: " + from.status().message()));
  auto to = OpenObjectStore(o.to, config->storage_access_key, config->storage_secret_key);
  if (!to.ok()) return ReportFailure(Status(to.status().kind(), "--to: " + to.status().message()));
  if (Status s = (*to)->Probe(); !s.ok())
    return ReportFailure(Status(s.kind(), "--to is not writable: " + s.message()));

  auto listed = (*from)->List("");
  if (!listed.ok()) return ReportFailure(listed.status());
  std::vector<ObjectInfo> objects;
  int64_t total_bytes = 0;
  for (auto& o2 : *listed) {
    if (o2.key.rfind("_probe/", 0) == 0) continue;  // readiness probes in flight
    objects.push_back(o2);
    total_bytes += o2.size;
  }
  std::printf("%zu objects, %.1f MB in %s\n", objects.size(), total_bytes / 1e6,
              MaskUrl(o.from).c_str());
  std::fflush(stdout);  // a script (or a test) watching the output sees the plan at once
  if (o.dry_run) {
    for (auto& obj : objects)
      std::printf("would copy %s (%lld bytes)\n", obj.key.c_str(),
                  static_cast<long long>(obj.size));
    return 0;
  }

  fs::path scratch =
      fs::temp_directory_path() / ("minutes-migrate-" + std::to_string(getpid()) + ".part");
  ProgressReporter progress(stderr, isatty(STDERR_FILENO), {{"copy", 1.0}});
  int copied = 0, skipped = 0;
  int64_t done_bytes = 0;
  for (auto& listed_obj : objects) {
    // The source's hash (a list may not carry it), then what the target already has.
    auto src = (*from)->Head(listed_obj.key);
    if (!src.ok()) return ReportFailure(src.status());
    auto there = (*to)->Head(src->key);
    if (there.ok() && there->size == src->size && there->sha256 == src->sha256) {
      ++skipped;  // copied by an earlier (interrupted) run
    } else if (Status s = CopyObject(**from, **to, *src, scratch); !s.ok()) {
      fs::remove(scratch);
      return ReportFailure(s);
    } else {
      ++copied;
    }
    done_bytes += src->size;
    progress.Update("copy", total_bytes ? static_cast<double>(done_bytes) / total_bytes : 1.0);
  }
  progress.Finish();
  std::error_code ec;
  fs::remove(scratch, ec);
  std::printf("copied %d, already there %d, verified by size and SHA-256\n", copied, skipped);

  if (o.check_db) {
    auto db = OpenDatabase(config->database);
    if (!db.ok()) return ReportFailure(db.status());
    auto rows = (*db)->Query("SELECT storage_key FROM objects");
    if (!rows.ok()) return ReportFailure(rows.status());
    int missing = 0;
    for (auto& r : *rows) {
      if (!(*to)->Head(AsString(r[0])).ok()) {
        if (missing++ < 10)
          std::fprintf(stderr, "minutes: not in the target: %s\n", AsString(r[0]).c_str());
      }
    }
    if (missing > 0)
      return ReportFailure(Status::Io(std::to_string(missing) + " of " +
                                      std::to_string(rows->size()) +
                                      " objects the database references are not in the target"));
    std::printf("all %zu objects the database references are in the target; set storage: %s\n",
                rows->size(), MaskUrl(o.to).c_str());
  }
  return 0;
}

}  // namespace

void AddMigrateFilesCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  auto o = std::make_shared<MigrateFilesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "migrate-files", "Copy every stored object to another store, verified and resumable");
  AddConfigFlags(cmd, flags.get());
  cmd->add_option("--from", o->from, "Source store URL (file:///… or s3://…)")->required();
  cmd->add_option("--to", o->to, "Target store URL (file:///… or s3://…)")->required();
  cmd->add_flag("--dry-run", o->dry_run, "List what would be copied; copy nothing");
  cmd->add_flag("!--no-db-check", o->check_db,
                "Skip checking the database's objects against the target");
  cmd->callback([flags, o, exit_code] { *exit_code = Migrate(*flags, *o); });
}

}  // namespace minutes
