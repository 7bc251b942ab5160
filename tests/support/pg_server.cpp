#include "pg_server.hpp"

#include <unistd.h>

#include <stdexcept>

#include "run_command.hpp"
#include "s3_server.hpp"  // FreeLoopbackPort

namespace minutes::testing {

PgServer::PgServer() {
  static int counter = 0;
  dir_ = std::filesystem::path("/tmp") /
         ("minutes-pg-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  port_ = FreeLoopbackPort();
  const std::string bin = "/usr/lib/postgresql/15/bin/";
  std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
  if (geteuid() == 0) RunCommand("chown postgres " + ShellQuote(dir_.string()));
  std::string data = (dir_ / "data").string();
  auto init = RunCommand(as_pg + bin + "initdb -D " + ShellQuote(data) +
                         " -A trust -U postgres -E UTF8 --no-sync");
  if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.output);
  Start();
  auto created = RunCommand("psql -h 127.0.0.1 -p " + std::to_string(port_) +
                            " -U postgres -c 'CREATE DATABASE minutes'");
  if (created.exit_code != 0) throw std::runtime_error("createdb failed: " + created.output);
}

PgServer::~PgServer() {
  std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
  RunCommand(as_pg + "/usr/lib/postgresql/15/bin/pg_ctl -D " +
             ShellQuote((dir_ / "data").string()) + " -m immediate -w stop");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PgServer::Start() {
  std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
  auto start = RunCommand(as_pg + "/usr/lib/postgresql/15/bin/pg_ctl -D " +
                          ShellQuote((dir_ / "data").string()) + " -l " +
                          ShellQuote((dir_ / "pg.log").string()) + " -w -o " +
                          ShellQuote("-p " + std::to_string(port_) + " -k " + dir_.string() +
                                     " -c listen_addresses=127.0.0.1 -c fsync=off") +
                          " start");
  if (start.exit_code != 0) throw std::runtime_error("postgres did not start: " + start.output);
}

void PgServer::Stop() {
  std::string as_pg = geteuid() == 0 ? "runuser -u postgres -- " : "";
  RunCommand(as_pg + "/usr/lib/postgresql/15/bin/pg_ctl -D " +
             ShellQuote((dir_ / "data").string()) + " -m fast -w stop");
}

std::string PgServer::Psql(const std::string& sql) const {
  return RunCommand("psql -h 127.0.0.1 -p " + std::to_string(port_) +
                    " -U postgres -d minutes -At -c " + ShellQuote(sql))
      .output;
}

}  // namespace minutes::testing
