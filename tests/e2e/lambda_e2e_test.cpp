// `minutes lambda` under a local Lambda Runtime API: API Gateway events of both payload
// formats, shaped as AWS documents them — GET, POST with JSON, base64 bodies both ways, query
// strings, single- and multi-value headers, a 404, a route Lambda cannot serve, and an event
// that is not from API Gateway — each answered through the same router as `minutes serve`.
#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "child_process.hpp"
#include "fake_lambda_runtime.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
using nlohmann::json;
namespace fs = std::filesystem;

std::string B64(const std::string& s) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << s;
  enc.close();
  return out.str();
}

std::string Unb64(const std::string& s) {
  std::istringstream in(s);
  Poco::Base64Decoder dec(in);
  return std::string(std::istreambuf_iterator<char>(dec), {});
}

// An HTTP API (payload 2.0) event as API Gateway sends it.
json V2(const std::string& method, const std::string& path, const std::string& query = "",
        json headers = json::object(), const std::string& body = "", bool base64 = false) {
  headers["user-agent"] = "curl/8.0";
  headers["x-forwarded-for"] = "203.0.113.9";
  json e = {{"version", "2.0"},
            {"routeKey", "$default"},
            {"rawPath", path},
            {"rawQueryString", query},
            {"headers", headers},
            {"requestContext",
             {{"accountId", "123456789012"},
              {"apiId", "r3pmxmplak"},
              {"domainName", "r3pmxmplak.execute-api.us-east-1.amazonaws.com"},
              {"http",
               {{"method", method},
                {"path", path},
                {"protocol", "HTTP/1.1"},
                {"sourceIp", "203.0.113.9"},
                {"userAgent", "curl/8.0"}}},
              {"requestId", "JKJaXmPLvHcESHA="},
              {"routeKey", "$default"},
              {"stage", "$default"},
              {"timeEpoch", 1583798639428}}},
            {"isBase64Encoded", base64}};
  if (!body.empty()) e["body"] = base64 ? B64(body) : body;
  return e;
}

// A REST API (payload 1.0) proxy event.
json V1(const std::string& method, const std::string& path, json multi_query, json multi_headers) {
  json single_headers = json::object(), single_query = json::object();
  for (auto& [k, v] : multi_headers.items()) single_headers[k] = v.back();
  for (auto& [k, v] : multi_query.items()) single_query[k] = v.back();
  return {{"resource", "/{proxy+}"},
          {"path", path},
          {"httpMethod", method},
          {"headers", single_headers},
          {"multiValueHeaders", multi_headers},
          {"queryStringParameters", multi_query.empty() ? json(nullptr) : single_query},
          {"multiValueQueryStringParameters", multi_query.empty() ? json(nullptr) : multi_query},
          {"pathParameters", {{"proxy", path.substr(1)}}},
          {"stageVariables", nullptr},
          {"requestContext",
           {{"resourcePath", "/{proxy+}"},
            {"httpMethod", method},
            {"path", "/prod" + path},
            {"stage", "prod"},
            {"requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"},
            {"identity", {{"sourceIp", "198.51.100.7"}, {"userAgent", "curl/8.0"}}}}},
          {"body", nullptr},
          {"isBase64Encoded", false}};
}

TEST(Lambda, ApiGatewayEventsGoThroughTheSameRouter) {
  fs::path dir = fs::temp_directory_path() / ("minutes-lambda-" + std::to_string(getpid()));
  fs::remove_all(dir);
  RunCommand("printf correct-battery-42 | " + MinutesBinary() +
             " user add alice --tenant acme --password-stdin --admin --data-dir " +
             ShellQuote(dir.string()));
  FakeLambdaRuntime runtime;
  ChildProcess fn(MinutesBinary(), {"lambda", "--data-dir", dir.string()},
                  {{"AWS_LAMBDA_RUNTIME_API", runtime.Address()}}, (dir / "lambda.log").string());
  ASSERT_NE(fn.first_line().find("lambda runtime ready"), std::string::npos) << fn.first_line();
  auto call = [&](const json& event) {
    auto r = runtime.Result(runtime.Invoke(event));
    EXPECT_TRUE(r.has_value()) << "no answer to " << event.dump().substr(0, 200);
    return r.value_or(LambdaResult{});
  };

  auto health = call(V2("GET", "/health"));
  ASSERT_FALSE(health.error);
  EXPECT_EQ(health.body["statusCode"], 200);
  EXPECT_EQ(health.body["isBase64Encoded"], false);
  EXPECT_EQ(json::parse(health.body["body"].get<std::string>())["status"], "ok");
  EXPECT_FALSE(health.body["headers"]["x-request-id"].get<std::string>().empty());

  auto login = call(V2("POST", "/api/v1/auth/login", "", {{"content-type", "application/json"}},
                       R"({"username":"alice","password":"correct-battery-42"})"));
  ASSERT_EQ(login.body["statusCode"], 200) << login.body.dump();
  std::string token = json::parse(login.body["body"].get<std::string>())["access_token"];

  auto me = call(V1("GET", "/api/v1/me", json::object(),
                    {{"Authorization", {"Bearer " + token}}, {"Accept", {"application/json"}}}));
  ASSERT_EQ(me.body["statusCode"], 200) << me.body.dump();
  EXPECT_EQ(json::parse(me.body["body"].get<std::string>())["username"], "alice");
  EXPECT_TRUE(me.body.contains("multiValueHeaders"));
  EXPECT_EQ(call(V1("GET", "/api/v1/me", json::object(), json::object())).body["statusCode"], 401);

  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto up =
      call(V2("POST", "/api/v1/tasks", "title=From%20Lambda&speakers=3",
              {{"authorization", "Bearer " + token}, {"content-type", "audio/wav"}}, wav, true));
  ASSERT_EQ(up.body["statusCode"], 201) << up.body.dump().substr(0, 400);
  std::string id = json::parse(up.body["body"].get<std::string>())["id"];

  auto list = call(V1("GET", "/api/v1/tasks", {{"state", {"queued"}}, {"page", {"1"}}},
                      {{"Authorization", {"Bearer " + token}}}));
  ASSERT_EQ(list.body["statusCode"], 200);
  auto items = json::parse(list.body["body"].get<std::string>())["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["title"], "From Lambda");
  EXPECT_EQ(items[0]["expected_speakers"], 3);

  auto audio =
      call(V2("GET", "/api/v1/tasks/" + id + "/audio", "", {{"authorization", "Bearer " + token}}));
  ASSERT_EQ(audio.body["statusCode"], 200);
  EXPECT_EQ(audio.body["isBase64Encoded"], true) << "binary bodies go base64";
  EXPECT_EQ(Unb64(audio.body["body"]), wav);

  auto page = call(V2("GET", "/"));
  EXPECT_EQ(page.body["statusCode"], 200);
  EXPECT_EQ(page.body["isBase64Encoded"], false);
  EXPECT_NE(page.body["body"].get<std::string>().find("<div id=\"app\">"), std::string::npos);

  auto missing =
      call(V2("GET", "/api/v1/nothing-here", "", {{"authorization", "Bearer " + token}}));
  EXPECT_EQ(missing.body["statusCode"], 404);
  EXPECT_EQ(json::parse(missing.body["body"].get<std::string>())["error"]["code"], "not_found");

  auto events = call(
      V2("GET", "/api/v1/tasks/" + id + "/events", "", {{"authorization", "Bearer " + token}}));
  EXPECT_EQ(events.body["statusCode"], 501);
  EXPECT_NE(events.body["body"].get<std::string>().find("poll GET /api/v1/tasks/{id}"),
            std::string::npos);

  auto sqs = call({{"Records", {{{"eventSource", "aws:sqs"}, {"body", "{}"}}}}});
  EXPECT_TRUE(sqs.error);
  EXPECT_EQ(sqs.error_type, "InvalidEvent");
  EXPECT_NE(sqs.body["errorMessage"].get<std::string>().find("not an API Gateway"),
            std::string::npos);

  EXPECT_TRUE(runtime.violations().empty()) << runtime.violations()[0];
  EXPECT_FALSE(runtime.init_error().has_value());
  // Still serving after all that.
  EXPECT_EQ(call(V2("GET", "/health")).body["statusCode"], 200);
  fs::remove_all(dir);
}

TEST(Lambda, OutsideLambdaItSaysSo) {
  auto r = RunCommand("env -u AWS_LAMBDA_RUNTIME_API " + MinutesBinary() + " lambda");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("AWS_LAMBDA_RUNTIME_API is not set"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

// Every !Ref, !GetAtt and ${…} in !Sub names a parameter, a resource or a pseudo parameter.
void CheckReferences(const YAML::Node& n, const std::set<std::string>& known, int* refs) {
  std::string tag = n.Tag();
  auto check = [&](std::string name) {
    name = name.substr(0, name.find('.'));
    ++*refs;
    EXPECT_TRUE(known.count(name) || name.rfind("AWS::", 0) == 0) << tag << " " << name;
  };
  if (tag == "!Ref") check(n.as<std::string>());
  if (tag == "!GetAtt") check(n.as<std::string>());
  if (tag == "!Sub") {
    std::string s = n.as<std::string>();
    std::smatch m;
    for (auto it = s.cbegin(); std::regex_search(it, s.cend(), m, std::regex(R"(\$\{([^}]+)\})"));
         it = m.suffix().first)
      if (m[1].str().find(':') == std::string::npos || m[1].str().rfind("AWS::", 0) == 0)
        check(m[1]);
  }
  if (n.IsMap())
    for (auto kv : n) CheckReferences(kv.second, known, refs);
  if (n.IsSequence())
    for (auto x : n) CheckReferences(x, known, refs);
}

TEST(AwsTemplate, LambdaFromTheImageWorkersOnFargateAndAProtectedBucket) {
  auto t = YAML::LoadFile(testing::SourcePath("deploy/aws/template.yaml").string());
  EXPECT_EQ(t["Transform"].as<std::string>(), "AWS::Serverless-2016-10-31");
  auto res = t["Resources"];
  std::set<std::string> known;
  for (auto kv : res) known.insert(kv.first.as<std::string>());
  for (auto kv : t["Parameters"]) known.insert(kv.first.as<std::string>());
  int refs = 0;
  CheckReferences(t, known, &refs);
  EXPECT_GT(refs, 15);

  auto bucket = res["RecordingsBucket"]["Properties"];
  EXPECT_EQ(bucket["VersioningConfiguration"]["Status"].as<std::string>(), "Enabled");
  EXPECT_TRUE(bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]);
  EXPECT_TRUE(bucket["PublicAccessBlockConfiguration"]["BlockPublicAcls"].as<bool>());

  auto fn = res["ApiFunction"]["Properties"];
  EXPECT_EQ(res["ApiFunction"]["Type"].as<std::string>(), "AWS::Serverless::Function");
  EXPECT_EQ(fn["PackageType"].as<std::string>(), "Image");
  EXPECT_EQ(fn["ImageConfig"]["Command"][0].as<std::string>(), "lambda");
  for (auto kv : fn["Events"]) {
    EXPECT_EQ(kv.second["Type"].as<std::string>(), "HttpApi");
    EXPECT_EQ(kv.second["Properties"]["PayloadFormatVersion"].as<std::string>(), "2.0");
  }
  std::map<std::string, std::string> keys;
  std::istringstream in(testing::RunCommand(testing::MinutesBinary() + " config keys").output);
  for (std::string key, env; in >> key >> env;) keys[env] = key;
  for (auto kv : fn["Environment"]["Variables"])
    EXPECT_TRUE(keys.count(kv.first.as<std::string>())) << kv.first.as<std::string>();
  auto worker = res["WorkerTask"]["Properties"]["ContainerDefinitions"][0];
  EXPECT_EQ(worker["Command"][0].as<std::string>(), "worker");
  for (const char* list : {"Environment", "Secrets"})
    for (auto e : worker[list])
      EXPECT_TRUE(keys.count(e["Name"].as<std::string>())) << e["Name"].as<std::string>();
  EXPECT_EQ(res["WorkerService"]["Properties"]["LaunchType"].as<std::string>(), "FARGATE");
  // The worker may call Transcribe and Bedrock; what the code calls is allowed.
  std::string policy = YAML::Dump(res["WorkerTaskRole"]);
  for (const char* action : {"transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob",
                             "transcribe:DeleteTranscriptionJob", "transcribe:CreateVocabulary",
                             "transcribe:GetVocabulary", "bedrock:InvokeModel", "s3:PutObject"})
    EXPECT_NE(policy.find(action), std::string::npos) << action;
}

}  // namespace
}  // namespace minutes
