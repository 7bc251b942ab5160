// deploy/prometheus and deploy/grafana against the real thing: promtool accepts the scrape
// config and the alert rules, yamllint accepts every YAML file we ship, and every metric the
// rules and the dashboard name is one a running `minutes serve` really exports (after it has
// served requests and processed a recording, so every family has samples).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Metric names in PromQL expressions: identifiers followed by a selector, a range or the end,
// minus functions, keywords and label names.
std::set<std::string> MetricsIn(const std::string& exprs) {
  static const std::set<std::string> kNotMetrics = {
      "sum",   "rate",     "increase", "delta",     "histogram_quantile",
      "topk",  "by",       "without",  "clamp_min", "le",
      "route", "stage",    "status",   "state",     "provider",
      "job",   "instance", "up"};
  std::set<std::string> out;
  std::regex ident("[a-zA-Z_:][a-zA-Z0-9_:]*");
  for (auto it = std::sregex_iterator(exprs.begin(), exprs.end(), ident);
       it != std::sregex_iterator(); ++it) {
    std::string name = it->str();
    size_t end = it->position() + name.size();
    char next = end < exprs.size() ? exprs[end] : ' ';
    if (kNotMetrics.count(name) || next == '(' || next == '=' || next == '!' || next == '~')
      continue;
    if (name.find('_') == std::string::npos) continue;  // not a metric of ours
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (name.size() > strlen(suffix) && name.ends_with(suffix) &&
          name.find("duration") != std::string::npos)
        name = name.substr(0, name.size() - strlen(suffix));
    out.insert(name);
  }
  return out;
}

TEST(Observability, PromtoolAndYamllintAcceptWhatWeShip) {
  auto config = RunCommand("promtool check config " +
                           ShellQuote(SourcePath("deploy/prometheus/prometheus.yml").string()));
  EXPECT_EQ(config.exit_code, 0) << config.output;
  auto rules = RunCommand("promtool check rules " +
                          ShellQuote(SourcePath("deploy/prometheus/alerts.yml").string()));
  EXPECT_EQ(rules.exit_code, 0) << rules.output;
  EXPECT_NE(rules.output.find("SUCCESS: 8 rules found"), std::string::npos) << rules.output;
  auto lint = RunCommand("cd " + ShellQuote(SourcePath("").string()) +
                         " && yamllint -s deploy/ .yamllint && yamllint -s -c .yamllint "
                         "deploy/minutes.yaml.example");
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  // …and they do catch mistakes.
  fs::path bad =
      fs::temp_directory_path() / ("minutes-bad-rules-" + std::to_string(getpid()) + ".yml");
  std::ofstream(bad)
      << "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(x[5m]\n";
  EXPECT_NE(RunCommand("promtool check rules " + ShellQuote(bad.string())).exit_code, 0);
  std::ofstream(bad) << "a: 1\na: 2\n";
  EXPECT_NE(RunCommand("yamllint -s " + ShellQuote(bad.string())).exit_code, 0);
  fs::remove(bad);
}

TEST(Observability, EveryMetricInTheRulesAndTheDashboardIsExported) {
  std::string exprs;
  std::string rules = Slurp(SourcePath("deploy/prometheus/alerts.yml"));
  std::smatch m;
  for (auto it = rules.cbegin();
       std::regex_search(it, rules.cend(), m, std::regex(R"(expr: (>\n((?:\s{10}.*\n)+)|.*\n))"));
       it = m.suffix().first)
    exprs += m[0].str() + "\n";
  auto dashboard =
      nlohmann::json::parse(Slurp(SourcePath("deploy/grafana/minutes-dashboard.json")));
  int targets = 0;
  for (auto& panel : dashboard["panels"])
    for (auto& t : panel["targets"]) {
      exprs += t["expr"].get<std::string>() + "\n";
      ++targets;
    }
  EXPECT_GE(targets, 8);
  auto names = MetricsIn(exprs);
  for (const char* expected : {"http_requests_total", "http_request_duration_seconds",
                               "minutes_queue_depth", "minutes_stage_duration_seconds",
                               "minutes_provider_calls_total", "minutes_provider_cost_total"})
    EXPECT_TRUE(names.count(expected)) << expected << " not found in the expressions";

  TestService svc("observability", {{"alice", "acme", true}});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  std::string id = Call(svc.port(), "POST", "/api/v1/tasks", wav, token, "audio/wav").json()["id"];
  ASSERT_EQ(svc.WaitDone(id, token)["state"], "succeeded");
  std::string metrics = Call(svc.port(), "GET", "/metrics").body;
  for (const auto& name : names)
    EXPECT_NE(metrics.find("# TYPE " + name + " "), std::string::npos)
        << name << " is named in deploy/ but not exported";
}

}  // namespace
}  // namespace minutes
