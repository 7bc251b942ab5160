// deploy/k8s against the running binary: every probe's path answers 200 on the port it names
// (the API's from `minutes serve`, the worker's from `minutes worker`'s status server), ports,
// labels, selectors and autoscaler targets agree, every ConfigMap/Secret key is a configuration
// key, and the resources are no smaller than the measured memory.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "http_client.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

std::vector<YAML::Node> Manifests() {
  std::vector<YAML::Node> all;
  for (auto& f : fs::directory_iterator(SourcePath("deploy/k8s")))
    if (f.path().extension() == ".yaml")
      for (auto& doc : YAML::LoadAllFromFile(f.path().string())) all.push_back(doc);
  return all;
}

YAML::Node Find(const std::vector<YAML::Node>& all, const std::string& kind,
                const std::string& name) {
  for (auto& d : all)
    if (d["kind"] && d["kind"].as<std::string>() == kind &&
        d["metadata"]["name"].as<std::string>() == name)
      return d;
  return {};
}

int64_t Mebibytes(const std::string& q) {
  int64_t n = std::stoll(q);
  return q.ends_with("Gi") ? n * 1024 : n;
}

TEST(Kubernetes, ProbesPortsAndKeysMatchTheBinary) {
  auto all = Manifests();
  std::map<std::string, std::string> keys;
  std::istringstream in(RunCommand(MinutesBinary() + " config keys").output);
  for (std::string key, env; in >> key >> env;) keys[env] = key;
  for (const char* name : {"minutes-config", "minutes-secrets"}) {
    auto d = Find(all, name == std::string("minutes-config") ? "ConfigMap" : "Secret", name);
    if (!d) d = YAML::LoadFile(SourcePath("deploy/k8s/secret.example.yaml").string());
    auto data = d["data"] ? d["data"] : d["stringData"];
    ASSERT_TRUE(data) << name;
    for (auto kv : data)
      EXPECT_TRUE(keys.count(kv.first.as<std::string>()))
          << name << ": " << kv.first.as<std::string>() << " is not a configuration key";
  }
  auto config = Find(all, "ConfigMap", "minutes-config")["data"];

  // The running API and worker answer every probe on the ports the manifests name.
  TestService api("k8s", {{"alice", "acme", true}});
  ASSERT_GT(api.port(), 0);
  ChildProcess worker(MinutesBinary(),
                      {"worker", "--status-port", "0", "--data-dir", (api.dir()).string()}, {},
                      (fs::temp_directory_path() / "minutes-k8s-worker.log").string());
  std::smatch m;
  std::string first = worker.first_line();
  ASSERT_TRUE(std::regex_search(first, m, std::regex(R"(status on http://[^:]+:(\d+))"))) << first;
  int worker_port = std::stoi(m[1]);
  std::map<std::string, int> running = {{"minutes-api", api.port()},
                                        {"minutes-worker", worker_port}};
  std::map<std::string, std::string> port_key = {{"minutes-api", "MINUTES_SERVER_PORT"},
                                                 {"minutes-worker", "MINUTES_WORKER_STATUS_PORT"}};
  int probes = 0;
  for (auto& [deployment, port] : running) {
    auto d = Find(all, "Deployment", deployment);
    ASSERT_TRUE(d) << deployment;
    auto labels = d["spec"]["template"]["metadata"]["labels"];
    for (auto kv : d["spec"]["selector"]["matchLabels"])
      EXPECT_EQ(labels[kv.first.as<std::string>()].as<std::string>(), kv.second.as<std::string>());
    auto c = d["spec"]["template"]["spec"]["containers"][0];
    std::map<std::string, int> ports;
    for (auto p : c["ports"]) ports[p["name"].as<std::string>()] = p["containerPort"].as<int>();
    ASSERT_EQ(ports.size(), 1u);
    EXPECT_EQ(std::to_string(ports.begin()->second), config[port_key[deployment]].as<std::string>())
        << deployment << "'s containerPort is not the port it is configured to listen on";
    for (const char* probe : {"livenessProbe", "readinessProbe"}) {
      auto get = c[probe]["httpGet"];
      ASSERT_TRUE(get) << deployment << " " << probe;
      EXPECT_TRUE(ports.count(get["port"].as<std::string>())) << deployment << " " << probe;
      auto r = Call(port, "GET", get["path"].as<std::string>());
      EXPECT_EQ(r.status, 200) << deployment << " " << probe << " " << get["path"].as<std::string>()
                               << ": " << r.body;
      ++probes;
    }
    EXPECT_GE(Mebibytes(c["resources"]["requests"]["memory"].as<std::string>()),
              deployment == "minutes-api" ? 32 : 240)
        << deployment << ": less memory than measured";
    EXPECT_GE(Mebibytes(c["resources"]["limits"]["memory"].as<std::string>()),
              Mebibytes(c["resources"]["requests"]["memory"].as<std::string>()));
    EXPECT_EQ(c["args"][0].as<std::string>(), deployment == "minutes-api" ? "serve" : "worker");
    // A PodDisruptionBudget and an autoscaler for each.
    auto pdb = Find(all, "PodDisruptionBudget", deployment);
    ASSERT_TRUE(pdb) << deployment;
    for (auto kv : pdb["spec"]["selector"]["matchLabels"])
      EXPECT_EQ(labels[kv.first.as<std::string>()].as<std::string>(), kv.second.as<std::string>());
    auto hpa = Find(all, "HorizontalPodAutoscaler", deployment);
    ASSERT_TRUE(hpa) << deployment;
    EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"].as<std::string>(), deployment);
  }
  EXPECT_EQ(probes, 4);
  worker.Kill(SIGTERM);
  // The Service reaches the API's named port; the Ingress reaches the Service and lets uploads
  // as large as the API accepts through.
  auto svc = Find(all, "Service", "minutes-api");
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"].as<std::string>(), "http");
  auto ing = Find(all, "Ingress", "minutes");
  auto backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"];
  EXPECT_EQ(backend["name"].as<std::string>(), "minutes-api");
  EXPECT_EQ(backend["port"]["name"].as<std::string>(),
            svc["spec"]["ports"][0]["name"].as<std::string>());
  EXPECT_EQ(ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
                .as<std::string>(),
            config["MINUTES_SERVER_MAX_UPLOAD_MB"].as<std::string>() + "m");
}

}  // namespace
}  // namespace minutes
