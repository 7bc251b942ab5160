#pragma once
// The AWS Lambda Runtime API for tests, as AWS documents it (2018-06-01): GET
// /runtime/invocation/next hands out the queued events (held open until one is queued) with
// Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn and -Trace-Id; POST
// /runtime/invocation/{id}/response and /error take the result (202), once per id — an unknown
// or repeated id is 400 InvalidRequestID; POST /runtime/init/error records a failed start.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "received_request.hpp"

namespace Poco::Net {
class HTTPServerResponse;
}

namespace minutes::testing {

class FakeHttpServer;

struct LambdaResult {
  bool error = false;
  nlohmann::json body;
  std::string error_type;  ///< Lambda-Runtime-Function-Error-Type
};

class FakeLambdaRuntime {
 public:
  FakeLambdaRuntime();
  ~FakeLambdaRuntime();
  /// "127.0.0.1:PORT", the value of AWS_LAMBDA_RUNTIME_API.
  std::string Address() const;
  /// Queues an event; returns its request id.
  std::string Invoke(const nlohmann::json& event) {
    std::lock_guard lock(mu_);
    std::string id = "8476a536-e9f4-11e8-9739-2dfe598c" + std::to_string(1000 + next_id_++);
    queue_.push_back({id, event});
    cv_.notify_all();
    return id;
  }
  /// The result for `id`, waiting up to `timeout`.
  std::optional<LambdaResult> Result(const std::string& id,
                                     std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return results_.count(id) > 0; });
    if (!results_.count(id)) return std::nullopt;
    return results_[id];
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::optional<nlohmann::json> init_error() {
    std::lock_guard lock(mu_);
    return init_error_;
  }

 private:
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  std::mutex mu_;
  std::condition_variable cv_;
  bool closing_ = false;
  int next_id_ = 0;
  std::deque<std::pair<std::string, nlohmann::json>> queue_;
  std::set<std::string> pending_;
  std::map<std::string, LambdaResult> results_;
  std::vector<std::string> violations_;
  std::optional<nlohmann::json> init_error_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace minutes::testing
