#pragma once
// One request as a test's fake server saw it: what FakeHttpServer records and hands to the
// fakes built on it, kept apart so that their headers need no POCO.
#include <map>
#include <string>

namespace minutes::testing {

/// One request as the server saw it (header names lower-cased).
struct ReceivedRequest {
  std::string method, uri, body;
  std::map<std::string, std::string> headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

}  // namespace minutes::testing
