// libFuzzer target for the config file: LoadConfig on arbitrary YAML (with ${VAR} interpolation
// from a small environment). Checked: nothing throws or crashes, a refusal is BadInput, and a
// config that loads shows as YAML that loads again and shows the same (ShowConfig masks secrets
// as "****", so this is show -> load -> show, a fixed point).
// Build: scripts/fuzz.sh (clang++-14 -fsanitize=fuzzer,address,undefined, yaml-cpp).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/config.hpp"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "config_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::string Write(const std::string& text) {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/config_fuzz." + std::to_string(getpid()) + ".yaml";
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) Fail("cannot write", path);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::map<std::string, std::string> kEnv = {
      {"JWT_SECRET", "0123456789abcdef0123456789abcdef"}, {"PORT", "8080"}, {"EMPTY", ""}};
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto config = minutes::LoadConfig(Write(yaml), kEnv);
  if (!config.ok()) {
    if (config.status().kind() != minutes::ErrorKind::kBadInput)
      Fail("refused with an unexpected kind", config.status().message());
    return 0;
  }
  const std::string shown = minutes::ShowConfig(*config);
  auto again = minutes::LoadConfig(Write(shown), {});
  if (!again.ok())
    Fail("what ShowConfig printed does not load", again.status().message() + "\n" + shown);
  if (minutes::ShowConfig(*again) != shown) Fail("show -> load -> show changed", shown);
  return 0;
}
