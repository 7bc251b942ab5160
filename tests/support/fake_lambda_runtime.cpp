#include "fake_lambda_runtime.hpp"

#include <Poco/Net/HTTPServerResponse.h>

#include "fake_http_server.hpp"

namespace minutes::testing {

FakeLambdaRuntime::FakeLambdaRuntime()
    : server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeLambdaRuntime::~FakeLambdaRuntime() {
  std::lock_guard lock(mu_);
  closing_ = true;
  cv_.notify_all();
}

std::string FakeLambdaRuntime::Address() const {
  return "127.0.0.1:" + std::to_string(server_->port());
}

void FakeLambdaRuntime::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
  const std::string prefix = "/2018-06-01/runtime/";
  auto reply = [&](int status, const nlohmann::json& body) {
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    res.setContentType("application/json");
    res.send() << body.dump();
  };
  std::unique_lock lock(mu_);
  if (r.method == "GET" && r.uri == prefix + "invocation/next") {
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return !queue_.empty() || closing_; });
    if (queue_.empty()) return reply(500, {{"errorMessage", "no event (test ended)"}});
    auto [id, event] = queue_.front();
    queue_.pop_front();
    pending_.insert(id);
    res.set("Lambda-Runtime-Aws-Request-Id", id);
    res.set("Lambda-Runtime-Deadline-Ms", "4102444800000");
    res.set("Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:us-east-1:123456789012:function:minutes-api");
    res.set("Lambda-Runtime-Trace-Id",
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
    return reply(200, event);
  }
  if (r.method == "POST" && r.uri == prefix + "init/error") {
    init_error_ = nlohmann::json::parse(r.body, nullptr, false);
    return reply(202, {{"status", "OK"}});
  }
  const std::string inv = prefix + "invocation/";
  if (r.method == "POST" && r.uri.rfind(inv, 0) == 0) {
    std::string rest = r.uri.substr(inv.size());
    std::string id = rest.substr(0, rest.find('/')), what = rest.substr(rest.find('/') + 1);
    if (!pending_.count(id) || (what != "response" && what != "error")) {
      violations_.push_back("bad request id or path: " + r.uri);
      return reply(400,
                   {{"errorMessage", "Invalid request ID"}, {"errorType", "InvalidRequestID"}});
    }
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded()) violations_.push_back("the " + what + " for " + id + " is not JSON");
    pending_.erase(id);
    results_[id] = {what == "error", body, r.header("lambda-runtime-function-error-type")};
    cv_.notify_all();
    return reply(202, {{"status", "OK"}});
  }
  violations_.push_back("unknown endpoint " + r.method + " " + r.uri);
  reply(404, {{"errorMessage", "Not found"}});
}

}  // namespace minutes::testing
