#include "cli/db_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/outputs.hpp"
#include "cli/service_config.hpp"
#include "db/migrator.hpp"

namespace minutes {
namespace {

using DbOptions = ConfigFlags;

Result<std::unique_ptr<Database>> Open(const DbOptions& o) {
  auto config = ResolveConfig(o);
  if (!config.ok()) return config.status();
  return OpenDatabase(config->database);
}

int RunMigrate(const DbOptions& o) {
  auto db = Open(o);
  if (!db.ok()) return ReportFailure(db.status());
  auto applied = Migrate(**db);
  if (!applied.ok()) return ReportFailure(applied.status());
  if (applied->empty()) std::printf("database is up to date\n");
  for (int v : *applied) std::printf("applied migration %04d\n", v);
  return 0;
}

int RunStatus(const DbOptions& o) {
  auto db = Open(o);
  if (!db.ok()) return ReportFailure(db.status());
  auto st = GetMigrationStatus(**db);
  if (!st.ok()) return ReportFailure(st.status());
  for (auto& m : st->applied) std::printf("%04d %-24s applied\n", m.version, m.name.c_str());
  for (auto& m : st->pending) std::printf("%04d %-24s pending\n", m.version, m.name.c_str());
  return st->pending.empty() ? 0 : 3;  // scripts can tell "needs migrating" apart
}

}  // namespace

void AddDbCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<DbOptions>();
  CLI::App* db = app.add_subcommand("db", "Database schema: migrate or show status");
  AddConfigFlags(db, o.get());
  db->require_subcommand(1);
  // fallthrough: `minutes db migrate --data-dir X` works as well as `db --data-dir X migrate`.
  db->add_subcommand("migrate", "Apply pending migrations in order")
      ->fallthrough()
      ->callback([o, exit_code] { *exit_code = RunMigrate(*o); });
  db->add_subcommand("status", "List applied and pending migrations (exit 3 when pending)")
      ->fallthrough()
      ->callback([o, exit_code] { *exit_code = RunStatus(*o); });
}

}  // namespace minutes
