// deploy/docker without a Docker engine (none runs here): the Dockerfile builds with the same
// scripts as the README and CI and its runtime stage installs every library the built binary
// loads; the compose file wires api, worker, postgres, redis, an S3 store and nginx with
// variables that are all real configuration keys, and ports that agree with each other.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

std::string Slurp(const std::string& rel) {
  std::ifstream in(SourcePath(rel), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::map<std::string, std::string> ConfigKeys() {  // env var -> key
  std::map<std::string, std::string> out;
  std::istringstream in(RunCommand(MinutesBinary() + " config keys").output);
  for (std::string key, env; in >> key >> env;) out[env] = key;
  return out;
}

// A service's environment with YAML merge keys (<<: *anchor) resolved.
std::map<std::string, std::string> Environment(const YAML::Node& service) {
  std::map<std::string, std::string> env;
  for (auto kv : service["environment"]) {
    if (kv.first.as<std::string>() == "<<") {
      for (auto m : kv.second) env[m.first.as<std::string>()] = m.second.as<std::string>();
      continue;
    }
    env[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return env;
}

TEST(Dockerfile, BuildsWithTheCiScriptsAndShipsEveryLibraryTheBinaryLoads) {
  std::string df = Slurp("deploy/docker/Dockerfile");
  std::string ci = Slurp("scripts/test.sh");
  std::string run = df.substr(df.find("\nRUN scripts/"));
  run = run.substr(0, run.find('\n', 1));
  for (const char* script : {"scripts/setup.sh", "scripts/build.sh"}) {
    EXPECT_NE(ci.find(script), std::string::npos) << "CI no longer runs " << script;
    EXPECT_NE(run.find(script), std::string::npos) << "the build stage does not run " << script;
  }
  auto runtime = df.substr(df.find("FROM debian:12-slim"));
  EXPECT_NE(runtime.find("USER minutes"), std::string::npos) << "runs as a non-root user";
  EXPECT_NE(runtime.find("HEALTHCHECK"), std::string::npos);
  EXPECT_NE(runtime.find("http://127.0.0.1:8000/health"), std::string::npos);
  // Every shared library the binary links, and those it opens at run time (FFmpeg, libcurl,
  // libpq, PocketSphinx, SphinxBase, WebRTC's VAD) with theirs, comes from a package the runtime
  // stage installs.
  std::string libs = RunCommand("ldd " + MinutesBinary() + " | awk '/=>/{print $3}'").output;
  for (const char* opened :
       {"libavformat.so.59", "libavcodec.so.59", "libswresample.so.4", "libavutil.so.57",
        "libcurl.so.4", "libpq.so.5", "libpocketsphinx.so.3", "libsphinxbase.so.3",
        "libwebrtc_audio_processing.so.1"})
    libs += RunCommand(std::string("ls /usr/lib/x86_64-linux-gnu/") + opened).output;
  // What the runtime stage installs: the packages it names and what they depend on (a debug
  // build links some of those, e.g. Poco's expat and pcre, directly).
  std::set<std::string> installed;
  std::smatch pm;
  std::string apt = runtime.substr(0, runtime.find("rm -rf /var/lib/apt/lists"));
  for (auto it = apt.cbegin(); std::regex_search(
           it, apt.cend(), pm,
           std::regex(R"(\s(lib[a-z0-9.+-]+|ca-certificates|curl|pocketsphinx-en-us))"));
       it = pm.suffix().first)
    installed.insert(pm[1]);
  for (std::string listed : std::set<std::string>(installed)) {
    std::string deps =
        RunCommand("dpkg-query -W -f='${Depends}' " + ShellQuote(listed) + " 2>/dev/null").output;
    for (auto it = deps.cbegin();
         std::regex_search(it, deps.cend(), pm, std::regex(R"(([a-z0-9][a-z0-9.+-]+))"));
         it = pm.suffix().first)
      installed.insert(pm[1]);
  }
  // One dpkg -S and one readelf for all of them (one each per library took a minute).
  std::vector<std::string> lib_paths;
  std::string patterns;
  {
    std::istringstream in(libs);
    for (std::string lib; std::getline(in, lib);) {
      if (lib.empty()) continue;
      lib_paths.push_back(lib);
      patterns += " " + ShellQuote(lib) + " \"$(readlink -f " + ShellQuote(lib) + ")\"";
    }
  }
  std::map<std::string, std::string> owner;  // path -> package
  {
    std::istringstream owned(RunCommand("dpkg -S" + patterns + " 2>/dev/null").output);
    for (std::string line; std::getline(owned, line);) {
      size_t sep = line.find(": ");
      if (sep == std::string::npos) continue;
      std::string pkg = line.substr(0, line.find(':'));
      owner.emplace(line.substr(sep + 2), pkg);
    }
  }
  std::string needed = RunCommand("readelf -d " + MinutesBinary()).output;
  int checked = 0;
  static const std::set<std::string> kInBase = {"libc6", "libgcc-s1", "zlib1g", "libzstd1"};
  for (const std::string& lib : lib_paths) {
    std::string pkg = owner.count(lib) ? owner[lib] : "";
    if (pkg.empty()) {
      std::string real = RunCommand("readlink -f " + ShellQuote(lib)).output;
      real = real.substr(0, real.find('\n'));
      if (owner.count(real)) pkg = owner[real];
    }
    ASSERT_FALSE(pkg.empty()) << lib << " belongs to no package";
    ++checked;
    if (kInBase.count(pkg)) continue;
    // The sanitizer runtimes belong to the ASan test build only; images ship the release build.
    if (pkg.rfind("libasan", 0) == 0 || pkg.rfind("libubsan", 0) == 0 ||
        pkg.rfind("liblsan", 0) == 0)
      continue;
    // Direct dependencies of the binary must be listed; their own dependencies come with them.
    bool direct = needed.find("[" + lib.substr(lib.rfind('/') + 1) + "]") != std::string::npos ||
                  lib.find("libav") != std::string::npos || lib.find("libsw") != std::string::npos;
    if (direct) {
      EXPECT_TRUE(installed.count(pkg)) << pkg << " (" << lib << ") is not installed by the image";
    }
  }
  EXPECT_GT(checked, 20);
  // Its ENV lines set real configuration keys.
  auto keys = ConfigKeys();
  std::smatch m;
  for (auto it = runtime.cbegin();
       std::regex_search(it, runtime.cend(), m, std::regex("(MINUTES_[A-Z_]+)="));
       it = m.suffix().first)
    EXPECT_TRUE(keys.count(m[1])) << m[1] << " is not a configuration key";
}

TEST(Compose, ServicesPortsAndVariablesAgreeWithTheBinary) {
  YAML::Node compose = YAML::LoadFile(SourcePath("deploy/docker/docker-compose.yml").string());
  auto services = compose["services"];
  for (const char* s : {"api", "worker", "postgres", "redis", "s3", "nginx"})
    EXPECT_TRUE(services[s]) << "no service " << s;
  auto keys = ConfigKeys();
  for (const char* s : {"api", "worker"}) {
    auto env = Environment(services[s]);
    EXPECT_FALSE(env.empty()) << s;
    for (auto& [name, value] : env)
      EXPECT_TRUE(keys.count(name)) << s << ": " << name << " is not a configuration key";
    EXPECT_NE(env["MINUTES_DATABASE"].find("@postgres:5432/"), std::string::npos);
    EXPECT_NE(env["MINUTES_QUEUE"].find("redis://redis:6379"), std::string::npos);
    EXPECT_NE(env["MINUTES_STORAGE_URL"].find("endpoint=http://s3:9000"), std::string::npos);
  }
  auto api = Environment(services["api"]);
  EXPECT_EQ(services["api"]["expose"][0].as<std::string>(), api["MINUTES_SERVER_PORT"]);
  std::string site = Slurp("deploy/docker/nginx.conf");
  EXPECT_NE(site.find("server api:" + api["MINUTES_SERVER_PORT"] + ";"), std::string::npos);
  EXPECT_NE(site.find("client_max_body_size " + api["MINUTES_SERVER_MAX_UPLOAD_MB"] + "m;"),
            std::string::npos);
  // The worker's status port: in its command, exposed, and what its health check asks.
  std::string port = services["worker"]["expose"][0].as<std::string>();
  auto cmd = services["worker"]["command"];
  EXPECT_EQ(cmd[cmd.size() - 1].as<std::string>(), port);
  EXPECT_NE(
      services["worker"]["healthcheck"]["test"][3].as<std::string>().find(":" + port + "/health"),
      std::string::npos);
  // Every ${VAR} the file uses is in .env.example or has a default.
  std::string text = Slurp("deploy/docker/docker-compose.yml"),
              example = Slurp("deploy/docker/.env.example");
  std::smatch m;
  for (auto it = text.cbegin(); std::regex_search(
           it, text.cend(), m, std::regex(R"((?:^|[^$])\$\{([A-Z_0-9]+)(:-[^}]*)?\})"));
       it = m.suffix().first)
    if (!m[2].matched) {
      EXPECT_NE(example.find("\n" + m[1].str() + "="), std::string::npos)
          << m[1] << " is used but not in .env.example";
    }
  // The api depends on healthy backends; the image's health check is /health.
  EXPECT_EQ(services["api"]["depends_on"]["postgres"]["condition"].as<std::string>(),
            "service_healthy");
}

}  // namespace
}  // namespace minutes
