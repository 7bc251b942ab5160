#pragma once
// A small HTTP client for black-box tests against `minutes serve` (POCO underneath, in
// http_client.cpp, so that the ~10 test files using it do not compile POCO's headers).
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace minutes::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// One request; `bearer` becomes "Authorization: Bearer …" when not empty.
Reply Call(int port, const std::string& method, const std::string& path,
           const std::string& body = "", const std::string& bearer = "",
           const std::string& type = "application/json",
           const std::map<std::string, std::string>& extra = {}, int timeout_s = 60);

}  // namespace minutes::testing
