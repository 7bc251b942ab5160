#pragma once
// A PostgreSQL 15 server for tests: initdb into a temp directory, postgres on a free loopback
// port (socket in the same directory), a database `minutes`; stopped and removed on
// destruction. initdb and postgres refuse to run as root, so they run as the `postgres` user
// (Debian's postgresql-15 package creates it) on a directory that user owns.
#include <filesystem>
#include <string>

namespace minutes::testing {

class PgServer {
 public:
  PgServer();
  ~PgServer();
  /// Starts the server (again) on the same port and data.
  void Start();
  /// Stops the server, cutting its connections (fast shutdown).
  void Stop();
  int port() const { return port_; }
  /// postgresql://postgres@127.0.0.1:PORT/minutes
  std::string Url(const std::string& db = "minutes") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }
  /// Runs SQL through psql; its output.
  std::string Psql(const std::string& sql) const;

 private:
  std::filesystem::path dir_;
  int port_ = 0;
};

}  // namespace minutes::testing
