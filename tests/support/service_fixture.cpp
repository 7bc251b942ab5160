#include "service_fixture.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>

namespace minutes::testing {

TestService::TestService(const std::string& name,
                         const std::vector<std::tuple<std::string, std::string, bool>>& users,
                         std::vector<std::string> serve_args) {
  namespace fs = std::filesystem;
  dir_ = fs::temp_directory_path() / ("minutes-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir_);
  for (auto& [user, tenant, admin] : users)
    RunCommand("printf correct-battery-42 | " + MinutesBinary() + " user add " + user +
               " --tenant " + tenant + " --password-stdin" + (admin ? " --admin" : "") +
               " --data-dir " + ShellQuote(dir_.string()));
  serve_args.insert(serve_args.begin(), {"--data-dir", dir_.string()});
  server_ = std::make_unique<ServerProcess>(MinutesBinary(), serve_args);
}

TestService::~TestService() {
  server_.reset();
  std::filesystem::remove_all(dir_);
}

std::string TestService::Token(const std::string& user, const std::string& password) {
  auto r = Call(port(), "POST", "/api/v1/auth/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  auto j = r.json();
  return j.is_object() && j.contains("access_token") ? j["access_token"].get<std::string>() : "";
}

nlohmann::json TestService::WaitDone(const std::string& id, const std::string& token,
                                     int timeout_s) {
  nlohmann::json t;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    t = Call(port(), "GET", "/api/v1/tasks/" + id, "", token).json();
    if (t.is_object() && t.contains("state") && t["state"] != "queued" &&
        t["state"] != "processing")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return t;
}

}  // namespace minutes::testing
