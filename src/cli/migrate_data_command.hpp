#pragma once
// `minutes migrate-data --from sqlite:///old.db --to postgresql://…`: creates the schema in the
// target, copies every table in dependency order in batches keeping ids, is safe to re-run (rows
// already there are left alone), and verifies each table's row count and a checksum of its
// content; `--dry-run` only reports the counts.
#include <CLI/CLI.hpp>

namespace minutes {

void AddMigrateDataCommand(CLI::App& app, int* exit_code);

}  // namespace minutes
