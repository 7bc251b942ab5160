#include "contract_guard.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "contract/answer_check.hpp"

namespace minutes::testing {

using nlohmann::json;

namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  for (std::string seg; std::getline(ss, seg, '/');) out.push_back(seg);
  return out;
}

// A checker of the server's description, fetched once per port; null when it has none (not
// Minutes).
std::shared_ptr<const AnswerChecker> CheckerAt(int port) {
  static std::mutex mu;
  static std::map<int, std::shared_ptr<const AnswerChecker>> by_port;
  std::lock_guard lock(mu);
  if (auto it = by_port.find(port); it != by_port.end()) return it->second;
  std::shared_ptr<const AnswerChecker> found;
  try {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
    s.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req("GET", "/openapi.json", Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::istream& in = s.receiveResponse(res);
    std::string body((std::istreambuf_iterator<char>(in)), {});
    json doc = json::parse(body, nullptr, false);
    if (res.getStatus() == 200 && doc.is_object() && doc.contains("openapi"))
      found = std::make_shared<const AnswerChecker>(std::move(doc));
  } catch (const std::exception&) {
    return nullptr;  // not up (a chaos test's stopped server): ask again next time
  }
  by_port[port] = found;
  return found;
}

}  // namespace

std::string PatternFor(const json& openapi, const std::string& path) {
  const auto want = Segments(path.substr(0, path.find('?')));
  std::string best;
  int best_literal = -1;
  for (const auto& [pattern, ops] : openapi["paths"].items()) {
    const auto have = Segments(pattern);
    if (have.size() != want.size()) continue;
    int literal = 0;
    bool match = true;
    for (size_t i = 0; i < have.size() && match; ++i) {
      bool param = have[i].size() > 2 && have[i].front() == '{' && have[i].back() == '}';
      if (param)
        match = !want[i].empty();
      else
        match = have[i] == want[i], ++literal;
    }
    if (match && literal > best_literal) best = pattern, best_literal = literal;
  }
  return best;
}

void CheckReplyAgainstContract(int port, const std::string& method, const std::string& path,
                               const Reply& reply, bool check_body) {
  // Only paths of the service (the description is not asked of the providers' fakes).
  static const char* const kOurs[] = {"/api/v1/", "/health", "/metrics",      "/docs",
                                      "/redoc",   "/app/",   "/openapi.json", "/license"};
  bool ours = path == "/" || path.rfind("/?", 0) == 0;
  for (const char* prefix : kOurs) ours = ours || path.rfind(prefix, 0) == 0;
  if (!ours) return;
  auto checker = CheckerAt(port);
  if (!checker) return;
  const json& openapi = checker->openapi();
  const std::string pattern = PatternFor(openapi, path);
  std::string lower = method == "HEAD" ? "get" : method;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (pattern.empty() || !openapi["paths"][pattern].contains(lower)) return;
  auto type = reply.headers.find("Content-Type");
  for (const std::string& problem :
       checker->Check(method, pattern, reply.status,
                      type == reply.headers.end() ? "" : type->second, reply.body, check_body))
    ADD_FAILURE() << "the answer breaks the contract: " << problem
                  << "\n  body: " << reply.body.substr(0, 600);
}

int CheckRecordedAnswers(int port, const std::string& file) {
  std::ifstream in(file);
  int lines = 0;
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) {
      ADD_FAILURE() << file << ": not a recorded answer: " << line.substr(0, 200);
      continue;
    }
    ++lines;
    if (j["status"] == 304) continue;
    const bool have_body = j["body"].is_string();
    Reply reply{j["status"].get<int>(), have_body ? j["body"].get<std::string>() : "", {}};
    if (!j["content_type"].get<std::string>().empty())
      reply.headers["Content-Type"] = j["content_type"];
    CheckReplyAgainstContract(port, j["method"], j["path"], reply, have_body);
  }
  return lines;
}

}  // namespace minutes::testing
