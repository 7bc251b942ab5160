#pragma once
// An Amazon Bedrock runtime for tests: the Converse API as its reference describes it
// (POST /model/{modelId}/converse; messages alternating user/assistant with text content
// blocks; system; inferenceConfig), and every request's SigV4 signature verified the way AWS
// does — recomputed from what arrived (method, path, query, signed headers, SHA-256 of the
// body) with net/sigv4, whose signer is checked against AWS's published examples. A bad
// signature gets AWS's 403 and is recorded in violations(). toolConfig is checked as Converse
// documents it (tools of {toolSpec: {name, description?, inputSchema: {json}}}, toolChoice
// auto/any/tool naming one of them); a forced tool is answered with a toolUse block whose input
// is reply_text. refuse_tool_choice answers it the way models without forced tools do (Llama,
// Titan): 400 ValidationException.
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net/sigv4.hpp"
#include "received_request.hpp"

namespace Poco::Net {
class HTTPServerResponse;
}

namespace minutes::testing {

class FakeHttpServer;

class FakeBedrockServer {
 public:
  FakeBedrockServer(AwsCredentials creds, std::string region);
  ~FakeBedrockServer();
  std::string Endpoint() const;
  std::string reply_text = R"({"ok":true})";
  bool refuse_tool_choice = false;
  void Throttle(int times) {
    std::lock_guard lock(mu_);
    throttle_ = times;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<ReceivedRequest> requests();

 private:
  static void Error(Poco::Net::HTTPServerResponse& res, int code, const std::string& type,
                    const std::string& message);
  std::string CheckSignature(const ReceivedRequest& r);
  static std::string CheckToolConfig(const nlohmann::json& t);
  std::string CheckBody(const ReceivedRequest& r, nlohmann::json& body);
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  AwsCredentials creds_;
  std::string region_;
  std::mutex mu_;
  int throttle_ = 0;
  std::vector<std::string> violations_;
  std::vector<nlohmann::json> bodies_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace minutes::testing
