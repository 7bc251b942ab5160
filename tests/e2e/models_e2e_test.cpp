// `minutes models` through the real binary against a local mirror (the Hub's layout: a redirect
// to the CDN, Range requests): pull a whisper model with an interruption and resume, list it,
// find its path, transcribe with it, remove it — and refuse what does not verify.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "asr/whisper_random_model.hpp"
#include "crypto/sha256.hpp"
#include "fake_http_server.hpp"
#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using testing::FakeHttpServer;
using testing::MinutesBinary;
using testing::ReceivedRequest;
using testing::RunCommand;
using testing::ShellQuote;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Serves `files` under /cdn/, redirected from /resolve/main/; the first full reply of each
// file is cut halfway when `cut` is set.
class Mirror {
 public:
  explicit Mirror(std::map<std::string, std::string> files, bool cut)
      : files_(std::move(files)),
        cut_(cut),
        server_([this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
          Serve(r, res);
        }) {}
  std::string Url() const { return server_.Url("/resolve/main"); }
  FakeHttpServer& server() { return server_; }

 private:
  void Serve(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    const std::string file = r.uri.substr(r.uri.rfind('/') + 1);
    if (r.uri.rfind("/resolve/main/", 0) == 0 && files_.count(file)) {
      res.redirect("/cdn/" + file, Poco::Net::HTTPResponse::HTTP_FOUND);
      return;
    }
    if (r.uri.rfind("/cdn/", 0) != 0 || !files_.count(file)) {
      res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      res.send() << "Entry not found";
      return;
    }
    const std::string& body = files_[file];
    size_t from = 0;
    std::smatch m;
    const std::string range = r.header("range");
    if (std::regex_match(range, m, std::regex("bytes=(\\d+)-"))) {
      from = std::stoul(m[1]);
      res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
      res.set("Content-Range", "bytes " + std::to_string(from) + "-" +
                                   std::to_string(body.size() - 1) + "/" +
                                   std::to_string(body.size()));
    }
    res.setContentLength64(static_cast<Poco::Int64>(body.size() - from));
    if (cut_ && from == 0 && !cut_done_.count(file)) {
      cut_done_.insert(file);
      res.setKeepAlive(false);
      res.send().write(body.data(), static_cast<std::streamsize>(body.size() / 3)).flush();
      return;
    }
    res.send().write(body.data() + from, static_cast<std::streamsize>(body.size() - from));
  }
  std::map<std::string, std::string> files_;
  bool cut_;
  std::set<std::string> cut_done_;
  FakeHttpServer server_;
};

class Models : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-models-e2e-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  testing::CommandResult Models_(const std::string& args) {
    return RunCommand("MINUTES_MODELS_DIR=" + ShellQuote((dir_ / "models").string()) + " " +
                      MinutesBinary() + " models " + args);
  }
  fs::path dir_;
};

TEST_F(Models, PullResumeListPathTranscribeRemove) {
  // A whisper model of the true tiny.en shapes (random weights) stands in for a downloaded one.
  const fs::path source = dir_ / "source.bin";
  auto shape = WhisperShapeOf("tiny.en");
  ASSERT_TRUE(shape.ok());
  ASSERT_TRUE(WriteRandomWhisperModel(source.string(), *shape).ok());
  const std::string body = Slurp(source);
  Sha256 sha;
  sha.Update(body);
  const std::string digest = sha.FinishHex();
  Mirror mirror({{"ggml-team-tiny.bin", body}}, /*cut=*/true);
  const std::string pull = "pull team-tiny --sha256 " + digest + " --base-url " + mirror.Url();

  auto first = Models_(pull);
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_NE(first.output.find("run the same pull again to resume"), std::string::npos)
      << first.output;
  auto listed = Models_("list");
  EXPECT_EQ(listed.output.find("team-tiny"), std::string::npos) << "not installed half-fetched";

  auto second = Models_(pull);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("SHA-256 verified, resumed at"), std::string::npos) << second.output;
  const fs::path installed = dir_ / "models" / "ggml-team-tiny.bin";
  EXPECT_EQ(Slurp(installed), body);
  EXPECT_EQ(mirror.server().Received().back().header("range"),
            "bytes=" + std::to_string(body.size() / 3) + "-");

  listed = Models_("list");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(std::regex_search(listed.output, std::regex("team-tiny +7\\d\\.\\d MiB +installed")))
      << listed.output;
  EXPECT_TRUE(std::regex_search(listed.output, std::regex("\\nbase\\.en +141\\.1 MiB +-")))
      << listed.output;

  auto path = Models_("path team-tiny");
  EXPECT_EQ(path.exit_code, 0);
  EXPECT_EQ(path.output, installed.string() + "\n");
  auto root = Models_("path");
  EXPECT_EQ(root.output, (dir_ / "models").string() + "\n");

  // The pulled model is what `--model NAME` finds in the models directory.
  // The meeting's first 12 s: enough to show which engine ran.
  const fs::path wav = dir_ / "clip.wav";
  ASSERT_EQ(
      RunCommand("sox " + ShellQuote((testing::TestData("standup") / "meeting.wav").string()) +
                 " " + ShellQuote(wav.string()) + " trim 0 12")
          .exit_code,
      0);
  auto run = RunCommand("MINUTES_MODELS_DIR=" + ShellQuote((dir_ / "models").string()) + " " +
                        MinutesBinary() + " run " + ShellQuote(wav.string()) +
                        " --engine auto --model team-tiny --threads 2 -q -o " +
                        ShellQuote((dir_ / "out").string()));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("engine whisper:team-tiny"), std::string::npos) << run.output;

  auto rm = Models_("rm team-tiny");
  EXPECT_EQ(rm.exit_code, 0) << rm.output;
  EXPECT_FALSE(fs::exists(installed));
  auto gone = Models_("path team-tiny");
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.output.find("not installed"), std::string::npos) << gone.output;
  auto again = Models_("rm team-tiny");
  EXPECT_EQ(again.exit_code, 2) << again.output;
  auto fallback =
      RunCommand("MINUTES_MODELS_DIR=" + ShellQuote((dir_ / "models").string()) + " " +
                 MinutesBinary() + " run " + ShellQuote(wav.string()) +
                 " --engine auto --model team-tiny -q -o " + ShellQuote((dir_ / "out2").string()));
  ASSERT_EQ(fallback.exit_code, 0) << fallback.output;
  EXPECT_NE(fallback.output.find("engine pocketsphinx"), std::string::npos) << fallback.output;
}

TEST_F(Models, AnOfficialModelThatDoesNotMatchItsDigestIsRefused) {
  // The mirror serves something else under tiny.en's name: it is deleted, not installed.
  Mirror mirror({{"ggml-tiny.en.bin", std::string(77704715, 'x')}}, /*cut=*/false);
  auto r = Models_("pull tiny.en --base-url " + mirror.Url());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(
      r.output.find("expected 921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("deleted"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_empty(dir_ / "models"));
}

TEST_F(Models, BadRequestsSayWhatIsWrong) {
  auto unknown = Models_("pull huge");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown model 'huge'"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("large-v3-turbo"), std::string::npos) << "lists the known ones";
  auto badsha = Models_("pull custom --sha256 xyz");
  EXPECT_EQ(badsha.exit_code, 2);
  EXPECT_NE(badsha.output.find("64 lower-case hex"), std::string::npos) << badsha.output;
  auto badname = Models_("pull ../evil --sha256 " + std::string(64, 'a'));
  EXPECT_EQ(badname.exit_code, 2) << badname.output;
  Mirror mirror({}, false);
  auto missing = Models_("pull base.en --base-url " + mirror.Url());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("answered HTTP 404"), std::string::npos) << missing.output;
  auto refused = Models_("pull base.en --base-url http://127.0.0.1:1/models");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("127.0.0.1"), std::string::npos) << refused.output;
}

}  // namespace
}  // namespace minutes
