// Pulling whisper models from a local HTTP server that behaves like the Hugging Face Hub (a
// redirect to its CDN, Range requests answered with 206): install, resume, verify, refuse.
#include "asr/model_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>

#include "crypto/sha256.hpp"
#include "fake_http_server.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using testing::FakeHttpServer;
using testing::ReceivedRequest;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string Sha(const std::string& s) {
  Sha256 h;
  h.Update(s);
  return h.FinishHex();
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The Hub: /resolve/main/<file> redirects to /cdn/<file>, which honours "Range: bytes=N-".
// `cut_first` makes the first full-file reply stop halfway and drop the connection.
class Hub {
 public:
  Hub(std::string file, std::string body, bool cut_first = false, bool ranges = true)
      : file_(std::move(file)), body_(std::move(body)), cut_(cut_first), ranges_(ranges) {}
  void Serve(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    if (r.uri == "/resolve/main/" + file_) {
      res.redirect("/cdn/" + file_, Poco::Net::HTTPResponse::HTTP_FOUND);
      return;
    }
    if (r.uri != "/cdn/" + file_) {
      res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      res.send() << "Entry not found";
      return;
    }
    std::smatch m;
    const std::string range = r.header("range");
    size_t from = 0;
    if (ranges_ && std::regex_match(range, m, std::regex("bytes=(\\d+)-"))) {
      from = std::stoul(m[1]);
      if (from >= body_.size()) {
        res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_REQUESTED_RANGE_NOT_SATISFIABLE);
        res.set("Content-Range", "bytes */" + std::to_string(body_.size()));
        res.send();
        return;
      }
      res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
      res.set("Content-Range", "bytes " + std::to_string(from) + "-" +
                                   std::to_string(body_.size() - 1) + "/" +
                                   std::to_string(body_.size()));
    }
    res.setContentLength64(static_cast<Poco::Int64>(body_.size() - from));
    if (cut_ && from == 0) {
      cut_ = false;
      res.setKeepAlive(false);
      res.send().write(body_.data(), static_cast<std::streamsize>(body_.size() / 2)).flush();
      return;  // the connection closes short of Content-Length
    }
    res.send().write(body_.data() + from, static_cast<std::streamsize>(body_.size() - from));
  }

 private:
  std::string file_, body_;
  bool cut_, ranges_;
};

class ModelStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("minutes-models-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  PullOptions Options(const FakeHttpServer& s) {
    PullOptions o;
    o.dir = dir_.string();
    o.base_url = s.Url("/resolve/main/");
    return o;
  }
  fs::path dir_;
};

TEST_F(ModelStore, APullFollowsTheRedirectVerifiesAndInstalls) {
  const std::string body = RandomBytes(3 << 20, 1);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha(body)};
  Hub hub("ggml-test.bin", body);
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  PullOptions o = Options(server);
  std::vector<std::pair<int64_t, int64_t>> seen;
  o.progress = [&](int64_t done, int64_t total) { seen.emplace_back(done, total); };
  auto r = PullModel(model, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->already);
  EXPECT_EQ(r->resumed_from, 0);
  EXPECT_EQ(r->bytes, model.bytes);
  EXPECT_EQ(r->path, (dir_ / "ggml-test.bin").string());
  EXPECT_EQ(Slurp(r->path), body);
  EXPECT_FALSE(fs::exists(r->path + ".part"));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().first, model.bytes);
  EXPECT_EQ(seen.back().second, model.bytes);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].first, seen[i - 1].first);

  const size_t requests = server.Received().size();
  auto again = PullModel(model, o);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already);
  EXPECT_EQ(server.Received().size(), requests) << "an installed, verified model is not fetched";
}

TEST_F(ModelStore, AnInterruptedPullResumesWhereItStopped) {
  const std::string body = RandomBytes(4 << 20, 2);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha(body)};
  Hub hub("ggml-test.bin", body, /*cut_first=*/true);
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  auto first = PullModel(model, Options(server));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(first.status().message().find("run the same pull again to resume"), std::string::npos)
      << first.status().message();
  EXPECT_FALSE(fs::exists(dir_ / "ggml-test.bin")) << "nothing is installed half-fetched";
  const int64_t kept = PartialBytes(dir_.string(), "test");
  EXPECT_EQ(kept, model.bytes / 2);

  auto second = PullModel(model, Options(server));
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->resumed_from, kept);
  EXPECT_EQ(Slurp(second->path), body);
  auto got = server.Received();
  EXPECT_EQ(got.back().header("range"), "bytes=" + std::to_string(kept) + "-");
}

TEST_F(ModelStore, AServerThatIgnoresRangesGetsTheWholeFileAgain) {
  const std::string body = RandomBytes(1 << 20, 3);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha(body)};
  fs::create_directories(dir_);
  std::ofstream(dir_ / "ggml-test.bin.part", std::ios::binary) << body.substr(0, 1000);
  Hub hub("ggml-test.bin", body, false, /*ranges=*/false);
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  auto r = PullModel(model, Options(server));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Slurp(r->path), body) << "a 200 reply replaces the partial file, not appends to it";
}

TEST_F(ModelStore, ACompletePartialFileIsVerifiedWithoutRefetching) {
  const std::string body = RandomBytes(1 << 20, 4);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha(body)};
  fs::create_directories(dir_);
  std::ofstream(dir_ / "ggml-test.bin.part", std::ios::binary) << body;
  Hub hub("ggml-test.bin", body);
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  auto r = PullModel(model, Options(server));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Slurp(r->path), body);
  EXPECT_TRUE(server.Received().empty());
}

TEST_F(ModelStore, AFileWithTheWrongDigestIsDeletedNotInstalled) {
  const std::string body = RandomBytes(1 << 20, 5);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha("something else")};
  Hub hub("ggml-test.bin", body);
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  auto r = PullModel(model, Options(server));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(r.status().message().find("SHA-256 " + Sha(body)), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("expected " + model.sha256), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "ggml-test.bin"));
  EXPECT_FALSE(fs::exists(dir_ / "ggml-test.bin.part"));
}

TEST_F(ModelStore, AMissingFileOnTheMirrorIsNotFound) {
  Hub hub("ggml-other.bin", "x");
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  auto r = PullModel({"test", 10, Sha("0123456789")}, Options(server));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(r.status().message().find("answered HTTP 404"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(dir_ / "ggml-test.bin.part"));
}

// A mirror on disk (asr.models_url: file:///srv/models), for machines without the internet:
// installed, resumed from a partial file, and a missing file is not found.
TEST_F(ModelStore, AMirrorOnDiskInstallsAndResumes) {
  const std::string body = RandomBytes(3 << 20, 9);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha(body)};
  const fs::path mirror = dir_ / "mirror";
  fs::create_directories(mirror);
  std::ofstream(mirror / "ggml-test.bin", std::ios::binary) << body;
  PullOptions o;
  o.dir = (dir_ / "models").string();
  o.base_url = "file://" + mirror.string();
  fs::create_directories(o.dir);
  std::ofstream(dir_ / "models" / "ggml-test.bin.part", std::ios::binary)
      << body.substr(0, 1 << 20);
  int64_t last = 0;
  o.progress = [&](int64_t have, int64_t) { last = have; };
  auto r = PullModel(model, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->resumed_from, 1 << 20);
  EXPECT_EQ(last, static_cast<int64_t>(body.size()));
  EXPECT_EQ(Slurp(dir_ / "models" / "ggml-test.bin"), body);
  auto missing = PullModel({"other", 10, Sha("0123456789")}, o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound) << missing.status().message();
}

TEST_F(ModelStore, ACorruptInstalledModelIsFetchedAgain) {
  const std::string body = RandomBytes(1 << 20, 6);
  const ModelInfo model{"test", static_cast<int64_t>(body.size()), Sha(body)};
  fs::create_directories(dir_);
  std::string bad = body;
  bad[1000] ^= 1;
  std::ofstream(dir_ / "ggml-test.bin", std::ios::binary) << bad;
  EXPECT_FALSE(VerifyModelFile((dir_ / "ggml-test.bin").string(), model).ok());
  Hub hub("ggml-test.bin", body);
  FakeHttpServer server([&](auto& r, auto& res) { hub.Serve(r, res); });
  auto r = PullModel(model, Options(server));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->already);
  EXPECT_EQ(Slurp(r->path), body);
}

TEST_F(ModelStore, InstalledModelsAreListedAndRemoved) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "ggml-base.en.bin") << "12345";
  std::ofstream(dir_ / "ggml-my-finetune.bin") << "1";
  std::ofstream(dir_ / "ggml-small.bin.part") << "12";
  std::ofstream(dir_ / "notes.txt") << "x";
  auto list = InstalledModels(dir_.string());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "base.en");
  EXPECT_TRUE(list[0].known);
  EXPECT_EQ(list[0].bytes, 5);
  EXPECT_EQ(list[1].name, "my-finetune");
  EXPECT_FALSE(list[1].known);
  EXPECT_EQ(PartialBytes(dir_.string(), "small"), 2);
  EXPECT_TRUE(RemoveModel(dir_.string(), "base.en").ok());
  EXPECT_TRUE(RemoveModel(dir_.string(), "small").ok()) << "a partial pull is removed too";
  EXPECT_FALSE(fs::exists(dir_ / "ggml-small.bin.part"));
  Status gone = RemoveModel(dir_.string(), "base.en");
  EXPECT_EQ(gone.kind(), ErrorKind::kNotFound);
  EXPECT_NE(gone.message().find("not installed"), std::string::npos);
  EXPECT_TRUE(InstalledModels((dir_ / "missing").string()).empty());
}

TEST(ModelCatalog, HasEveryOfficialSizeWithADigestAndASize) {
  std::set<std::string> names;
  for (const auto& m : ModelCatalog()) {
    EXPECT_TRUE(std::regex_match(m.sha256, std::regex("[0-9a-f]{64}"))) << m.name;
    EXPECT_GT(m.bytes, 10'000'000) << m.name;
    EXPECT_TRUE(names.insert(m.name).second) << "duplicate " << m.name;
  }
  for (const char* n : {"tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium",
                        "medium.en", "large-v3", "large-v3-turbo", "tiny-q5_1", "base.en-q5_1",
                        "small-q8_0", "medium-q5_0", "large-v3-q5_0", "large-v3-turbo-q8_0"})
    EXPECT_NE(FindModel(n), nullptr) << n;
  EXPECT_EQ(FindModel("huge"), nullptr);
  EXPECT_EQ(ModelFileName("base.en"), "ggml-base.en.bin");
  // Sizes grow with the model: a transposed table would break this.
  EXPECT_LT(FindModel("tiny")->bytes, FindModel("base")->bytes);
  EXPECT_LT(FindModel("base")->bytes, FindModel("small")->bytes);
  EXPECT_LT(FindModel("small")->bytes, FindModel("medium")->bytes);
  EXPECT_LT(FindModel("medium")->bytes, FindModel("large-v3")->bytes);
}

}  // namespace
}  // namespace minutes
