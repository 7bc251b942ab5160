#pragma once
// `minutes lambda`: the API as an AWS Lambda function, speaking the Lambda Runtime API itself
// (no adapter process): each invocation's API Gateway event goes through the same router as
// `minutes serve`. Workers run elsewhere (`minutes worker` on ECS/Fargate or EC2) on the same
// database, queue and storage.
namespace CLI {
class App;
}

namespace minutes {
/// Registers `lambda` on `app`; the callback sets `*exit_code`.
void AddLambdaCommand(CLI::App& app, int* exit_code);
}  // namespace minutes
