// Every way in, over HTTP: RS256 login tokens (and the HS256-with-the-public-key forgery
// refused), expired tokens, gateway headers from trusted and untrusted peers or with the
// shared secret, external RS256 tokens verified through a JWKS file — plus the request log
// (JSON, request id, nothing secret) and /metrics.
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>

#include <fstream>

#include "child_process.hpp"
#include "http_client.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using namespace minutes::testing;

std::string B64Url(const std::string& raw) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : raw) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) out += t[(val >> bits) & 0x3F], bits -= 6;
  }
  if (bits > -6) out += t[((val << 8) >> (bits + 8)) & 0x3F];
  return out;
}

class AuthModes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-auth-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto key = [&](const std::string& name) {
      ASSERT_EQ(RunCommand("openssl genrsa -out " + (dir_ / (name + ".pem")).string() +
                           " 2048 && openssl rsa -in " + (dir_ / (name + ".pem")).string() +
                           " -pubout -out " + (dir_ / (name + ".pub")).string())
                    .exit_code,
                0);
    };
    key("login");
    key("idp");
    // The IdP's public key as a JWKS entry (modulus and exponent, base64url).
    auto mod =
        RunCommand("openssl rsa -pubin -in " + (dir_ / "idp.pub").string() + " -noout -modulus");
    std::string hex = mod.output.substr(mod.output.find('=') + 1);
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
    std::string n;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      n += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    std::ofstream(dir_ / "jwks.json")
        << nlohmann::json{{"keys",
                           {{{"kty", "RSA"},
                             {"kid", "idp-1"},
                             {"use", "sig"},
                             {"n", B64Url(n)},
                             {"e", B64Url(std::string("\x01\x00\x01", 3))}}}}}
               .dump();
    config_ = (dir_ / "minutes.yaml").string();
    std::ofstream(config_) << "data_dir: " << (dir_ / "data").string() << "\n"
                           << "server: {workers: 0, trusted_proxies: [127.0.0.1/32]}\n"
                           << "log: {format: json}\n"
                           << "auth:\n  jwt_algorithm: RS256\n"
                           << "  jwt_private_key_file: " << (dir_ / "login.pem").string() << "\n"
                           << "  jwt_public_key_file: " << (dir_ / "login.pub").string() << "\n"
                           << "  jwt_ttl_s: 2\n"
                           << "  gateway_cidrs: [10.0.0.0/8]\n"
                           << "  gateway_secret: s3cret-gateway-shared-key\n"
                           << "  external_jwt_jwks_file: " << (dir_ / "jwks.json").string() << "\n"
                           << "  external_jwt_issuer: https://idp.example\n"
                           << "  external_jwt_audience: minutes\n";
    ASSERT_EQ(RunCommand("printf hunter2-password | " + MinutesBinary() +
                         " user add alice --tenant acme --password-stdin --config " + config_)
                  .exit_code,
              0);
    serve_ = std::make_unique<ChildProcess>(
        MinutesBinary(), std::vector<std::string>{"serve", "--config", config_, "--port", "0"},
        std::map<std::string, std::string>{}, (dir_ / "serve.err").string());
    ASSERT_GT(serve_->port(), 0) << ReadFile((dir_ / "serve.err").string());
  }
  void TearDown() override {
    serve_.reset();
    fs::remove_all(dir_);
  }
  Reply Me(const std::string& bearer, std::map<std::string, std::string> headers = {}) {
    return Call(serve_->port(), "GET", "/api/v1/me", "", bearer, "application/json", headers);
  }
  std::string IdpToken(const std::string& sub, const std::string& tenant, int64_t exp_in,
                       const std::string& aud = "minutes") {
    Poco::SharedPtr<Poco::Crypto::RSAKey> key =
        new Poco::Crypto::RSAKey((dir_ / "idp.pub").string(), (dir_ / "idp.pem").string(), "");
    Poco::JWT::Signer signer(key);
    Poco::JWT::Token t;
    t.setType("JWT");
    t.setSubject(sub);
    t.setIssuer("https://idp.example");
    t.setAudience(aud);
    t.payload().set("tenant", tenant);
    t.payload().set("exp", static_cast<Poco::Int64>(std::time(nullptr) + exp_in));
    t.header().set("kid", "idp-1");
    return signer.sign(t, Poco::JWT::Signer::ALGO_RS256);
  }
  fs::path dir_;
  std::string config_;
  std::unique_ptr<ChildProcess> serve_;
};

TEST_F(AuthModes, Rs256LoginTokensAndTheAlgorithmConfusionForgery) {
  auto login = Call(serve_->port(), "POST", "/api/v1/auth/login",
                    R"({"username":"alice","password":"hunter2-password"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token = login.json()["access_token"];
  auto header = token.substr(0, token.find('.'));
  EXPECT_NE(header.find("eyJhbGciOiJSUzI1NiI"), std::string::npos);  // {"alg":"RS256"
  auto me = Me(token);
  ASSERT_EQ(me.status, 200);
  // The forgery: the same claims, HS256-signed with the server's PUBLIC key as the secret.
  Poco::JWT::Token claims(token);
  Poco::JWT::Signer forger(ReadFile((dir_ / "login.pub").string()));
  std::string forged = forger.sign(claims, Poco::JWT::Signer::ALGO_HS256);
  EXPECT_EQ(Me(forged).status, 401);
  // A token with its signature stripped is refused.
  EXPECT_EQ(Me(header + "." +
               token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1) + ".")
                .status,
            401);
  // Expiry (jwt_ttl_s: 2).
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  auto late = Me(token);
  EXPECT_EQ(late.status, 401);
  EXPECT_NE(late.body.find("expired"), std::string::npos) << late.body;
}

TEST_F(AuthModes, GatewayHeadersOnlyFromTrustedPeersOrWithTheSecret) {
  // 127.0.0.1 is not in gateway_cidrs (10.0.0.0/8): the headers are refused, not ignored.
  auto untrusted = Me("", {{"X-User-ID", "bob"}, {"X-Tenant-ID", "acme"}});
  EXPECT_EQ(untrusted.status, 401);
  EXPECT_NE(untrusted.body.find("trusted proxy"), std::string::npos);
  EXPECT_EQ(Me("", {{"X-User-ID", "bob"},
                    {"X-Tenant-ID", "acme"},
                    {"X-Gateway-Secret", "wrong-secret-wrong-secret"}})
                .status,
            401);
  auto ok = Me("", {{"X-User-ID", "bob"},
                    {"X-Tenant-ID", "acme"},
                    {"X-Gateway-Secret", "s3cret-gateway-shared-key"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["username"], "bob");  // provisioned on first sight, in acme
  EXPECT_EQ(ok.json()["role"], "member");
  // The same user claimed for another tenant is refused.
  EXPECT_EQ(Me("", {{"X-User-ID", "bob"},
                    {"X-Tenant-ID", "evil"},
                    {"X-Gateway-Secret", "s3cret-gateway-shared-key"}})
                .status,
            401);
}

TEST_F(AuthModes, ExternalIdpTokensThroughJwks) {
  auto ok = Me(IdpToken("carol@example.com", "globex", 300));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["username"], "carol@example.com");
  auto tenant = ok.json()["tenant_id"];
  EXPECT_EQ(Me(IdpToken("carol@example.com", "globex", 300)).json()["tenant_id"], tenant);
  EXPECT_EQ(Me(IdpToken("carol@example.com", "globex", -10)).status, 401);
  EXPECT_EQ(Me(IdpToken("carol@example.com", "globex", 300, "someone-else")).status, 401);
  // A token signed by a key the JWKS does not have.
  Poco::SharedPtr<Poco::Crypto::RSAKey> other =
      new Poco::Crypto::RSAKey((dir_ / "login.pub").string(), (dir_ / "login.pem").string(), "");
  Poco::JWT::Token t(IdpToken("mallory", "globex", 300));
  EXPECT_EQ(Me(Poco::JWT::Signer(other).sign(t, Poco::JWT::Signer::ALGO_RS256)).status, 401);
}

TEST_F(AuthModes, RequestLogIsJsonWithIdsAndNoSecretsAndMetricsCount) {
  auto login = Call(serve_->port(), "POST", "/api/v1/auth/login",
                    R"({"username":"alice","password":"hunter2-password"})", "", "application/json",
                    {{"X-Request-ID", "trace-me-123"}});
  std::string token = login.json()["access_token"];
  Call(serve_->port(), "GET", "/api/v1/tasks?access_token=" + token, "", token);
  Call(serve_->port(), "GET", "/api/v1/me", "", token, "application/json",
       {{"X-Forwarded-For", "203.0.113.7"}});
  auto metrics = Call(serve_->port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("http_requests_total{method=\"POST\",route=\"/api/v1/auth/login\""
                              ",status=\"200\"} 1"),
            std::string::npos)
      << metrics.body.substr(0, 2000);
  EXPECT_NE(metrics.body.find("http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("minutes_queue_depth{lane=\"heavy\",state=\"ready\"} 0"),
            std::string::npos);
  serve_->Kill(SIGTERM);
  std::string log = ReadFile((dir_ / "serve.err").string());
  EXPECT_EQ(log.find("hunter2-password"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
  bool found = false, forwarded = false;
  std::stringstream ss(log);
  for (std::string line; std::getline(ss, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    if (j.value("request_id", "") == "trace-me-123") {
      found = true;
      EXPECT_EQ(j["route"], "/api/v1/auth/login");
      EXPECT_EQ(j["status"], 200);
    }
    if (j.value("route", "") == "/api/v1/me" && j.value("client", "") == "203.0.113.7")
      forwarded = true;  // 127.0.0.1 is a trusted proxy in this config
  }
  EXPECT_TRUE(found) << log;
  EXPECT_TRUE(forwarded) << log;
}

}  // namespace
}  // namespace minutes
