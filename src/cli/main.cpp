// minutes — meeting recordings to transcripts with speakers and minutes.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/admin_command.hpp"
#include "cli/db_command.hpp"
#include "cli/lambda_command.hpp"
#include "cli/migrate_data_command.hpp"
#include "cli/migrate_files_command.hpp"
#include "cli/models_command.hpp"
#include "cli/openapi_command.hpp"
#include "cli/render_command.hpp"
#include "cli/run_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/sweep_command.hpp"
#include "cli/templates_command.hpp"
#include "cli/worker_command.hpp"
#include "config/config_command.hpp"

#ifndef MINUTES_VERSION
#define MINUTES_VERSION "dev"
#endif

int main(int argc, char** argv) {
  CLI::App app{"minutes: meeting recordings to transcripts with speakers and minutes"};
  app.set_version_flag("--version", MINUTES_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  minutes::AddRunCommand(app, &exit_code);
  minutes::AddRenderCommand(app, &exit_code);
  minutes::AddTemplatesCommand(app, &exit_code);
  minutes::AddDbCommand(app, &exit_code);
  minutes::AddAdminCommands(app, &exit_code);
  minutes::AddServeCommand(app, &exit_code);
  minutes::AddLambdaCommand(app, &exit_code);
  minutes::AddWorkerCommand(app, &exit_code);
  minutes::AddConfigCommand(app, &exit_code);
  minutes::AddMigrateDataCommand(app, &exit_code);
  minutes::AddMigrateFilesCommand(app, &exit_code);
  minutes::AddSweepCommand(app, &exit_code);
  minutes::AddModelsCommand(app, &exit_code);
  minutes::AddOpenApiCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // usage errors are bad input, like a bad file
  }
  return exit_code;
}
