#pragma once
// An S3-compatible server for tests: s3rver (npm, installed by scripts/setup.sh into
// tests/tools) on a free loopback port with its data in a temp directory, stopped and removed
// on destruction. s3rver does not check signatures (sigv4_test.cpp checks the signer against
// AWS's published examples instead).
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace minutes::testing {

int FreeLoopbackPort();

bool Accepts(int port);

class S3Server {
 public:
  explicit S3Server(const std::string& bucket = "media");
  ~S3Server();
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// "s3://bucket/prefix?endpoint=…&path_style=true"
  std::string Url(const std::string& prefix = "") const {
    return "s3://" + bucket_ + (prefix.empty() ? "" : "/" + prefix) + "?endpoint=" + endpoint() +
           "&path_style=true&region=us-east-1";
  }
  /// What s3rver logged (one line per request: path, status).
  std::string Log() const;
  /// Where s3rver keeps the bucket's files.
  std::filesystem::path data_dir() const { return dir_ / "data"; }

 private:
  std::string bucket_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace minutes::testing
