#include "cli/lambda_command.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/dispatch.hpp"
#include "api/lambda_events.hpp"
#include "cli/backends.hpp"
#include "cli/outputs.hpp"
#include "cli/serve_command.hpp"
#include "cli/service_config.hpp"
#include "log/log.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

const char* kPath = "/2018-06-01/runtime";

// Tells the Runtime API why the function could not start or handle an event.
void PostError(const HttpClient& http, const std::string& url, const std::string& type,
               const std::string& message) {
  HttpRequest r = HttpRequest::Post(
      url, {{"Content-Type", "application/json"}, {"Lambda-Runtime-Function-Error-Type", type}},
      nlohmann::json{{"errorMessage", message}, {"errorType", type}, {"stackTrace", {}}}.dump());
  r.timeout = std::chrono::seconds(10);
  (void)http.Send(r);
}

int RunLambda(const ConfigFlags& flags) {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr || !*api) {
    std::fprintf(stderr,
                 "minutes lambda: AWS_LAMBDA_RUNTIME_API is not set — this command runs inside "
                 "AWS Lambda (or its runtime interface emulator); use `minutes serve` elsewhere\n");
    return 2;
  }
  const std::string base = std::string("http://") + api + kPath;
  HttpClient http;
  auto config = ResolveConfig(flags);
  if (!config.ok()) {
    PostError(http, base + "/init/error", "Runtime.ConfigError", config.status().message());
    return ReportFailure(config.status());
  }
  const Config& c = *config;
  ConfigureLog(c.log.level, c.log.format);
  auto backends = OpenBackends(c);
  Result<JwtIssuer> jwt = backends.ok() ? MakeJwtIssuer(c) : Result<JwtIssuer>(backends.status());
  if (!backends.ok() || !jwt.ok()) {
    Status s = backends.ok() ? jwt.status() : backends.status();
    PostError(http, base + "/init/error", "Runtime.InitError", s.message());
    return ReportFailure(s);
  }
  Accounts accounts(*backends->db, AccountOptionsFrom(c));
  ServiceContext ctx{*backends->db,
                     accounts,
                     *jwt,
                     *backends->store,
                     c,
                     int64_t{c.server.max_upload_mb} * 1024 * 1024,
                     backends->queue.get(),
                     backends->models.chain,
                     backends->models.context_tokens};
  Router router;
  RegisterRoutes(router, ctx);
  auto auth = Authenticator::Make(c, *backends->db, accounts, *jwt);
  if (!auth.ok()) {
    PostError(http, base + "/init/error", "Runtime.InitError", auth.status().message());
    return ReportFailure(auth.status());
  }
  std::printf("minutes: lambda runtime ready, events from %s\n", api);
  std::fflush(stdout);
  LogEvent(LogLevel::kInfo, "lambda_started",
           {{"runtime_api", api},
            {"database", MaskUrl(c.database)},
            {"storage", MaskUrl(c.storage)},
            {"version", MINUTES_VERSION}});
  int failures = 0;
  for (;;) {
    HttpRequest next;
    next.method = "GET";
    next.url = base + "/invocation/next";
    next.timeout = std::chrono::hours(12);  // the runtime API holds it until an event comes
    auto got = http.Send(next);
    if (!got.ok() || got->status != 200) {
      if (++failures >= 5) {
        LogEvent(
            LogLevel::kError, "lambda_runtime_unreachable",
            {{"error", got.ok() ? "HTTP " + std::to_string(got->status) : got.status().message()}});
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * failures));
      continue;
    }
    failures = 0;
    std::string id = got->headers.count("lambda-runtime-aws-request-id")
                         ? got->headers.at("lambda-runtime-aws-request-id")
                         : "";
    if (id.empty()) continue;
    const std::string invocation = base + "/invocation/" + id;
    auto event = nlohmann::json::parse(got->body, nullptr, false);
    auto out = event.is_discarded()
                   ? Result<nlohmann::json>(Status::BadInput("the event is not JSON"))
                   : HandleApiGatewayEvent(router, **auth, c, event, id);
    if (!out.ok()) {
      PostError(http, invocation + "/error", "InvalidEvent", out.status().message());
      continue;
    }
    HttpRequest reply = HttpRequest::Post(invocation + "/response",
                                          {{"Content-Type", "application/json"}}, out->dump());
    reply.timeout = std::chrono::seconds(30);
    auto sent = http.Send(reply);
    if (!sent.ok() || sent->status != 202)
      LogEvent(LogLevel::kWarn, "lambda_response_not_accepted",
               {{"request_id", id},
                {"status", sent.ok() ? sent->status : 0L},
                {"error", sent.ok() ? sent->body.substr(0, 200) : sent.status().message()}});
  }
}

}  // namespace

void AddLambdaCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  CLI::App* cmd = app.add_subcommand(
      "lambda", "Serve the API as an AWS Lambda function (Runtime API; API Gateway events)");
  AddConfigFlags(cmd, flags.get());
  cmd->callback([flags, exit_code] { *exit_code = RunLambda(*flags); });
}

}  // namespace minutes
