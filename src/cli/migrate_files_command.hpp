#pragma once
// `minutes migrate-files --from URL --to URL`: copies every stored object to another store
// (local disk to S3, one bucket to another), verifying each by size and SHA-256. Resumable: an
// object already in the target with the same size and hash is not copied again, so a run killed
// halfway finishes on the next run. Keys are relative to the store, so the database needs no
// rewrite: the run ends by checking that every object the database references is in the
// target, and the service is then pointed at the new store (`storage:`).
#include <CLI/CLI.hpp>

namespace minutes {

void AddMigrateFilesCommand(CLI::App& app, int* exit_code);

}  // namespace minutes
