#pragma once
// A running `minutes serve` on a temp data dir with users in two tenants, for black-box tests.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "http_client.hpp"
#include "run_command.hpp"
#include "server_process.hpp"
#include "testdata.hpp"

namespace minutes::testing {

class TestService {
 public:
  /// `users`: {username, tenant, admin?}; all get password "correct-battery-42". `serve_args` go to
  /// serve.
  TestService(const std::string& name,
              const std::vector<std::tuple<std::string, std::string, bool>>& users,
              std::vector<std::string> serve_args = {});
  ~TestService();
  int port() const { return server_->port(); }
  const std::filesystem::path& dir() const { return dir_; }
  ServerProcess& process() { return *server_; }
  /// Logs in; "" when it fails.
  std::string Token(const std::string& user, const std::string& password = "correct-battery-42");
  /// Polls the task until it leaves queued/processing (or `timeout_s` passes).
  nlohmann::json WaitDone(const std::string& id, const std::string& token, int timeout_s = 120);

 private:
  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace minutes::testing
