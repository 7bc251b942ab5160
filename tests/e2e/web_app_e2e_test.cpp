// The web app in a real browser: `minutes serve` started here, then tests/tools/
// web-app.e2e.mjs drives Debian's headless Chromium through it with playwright-core — log in,
// upload a synthesized meeting, watch it finish, rename a speaker and see it everywhere,
// download every export, regenerate the minutes, ask, switch language, log out. Screenshots of
// each page are kept under <build>/test-output/web/.
#include <gtest/gtest.h>

#include <fstream>

#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

TEST(WebApp, APersonUploadsAMeetingAndWorksWithItInTheBrowser) {
  fs::path cfg = fs::temp_directory_path() / ("minutes-web-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "server: {max_upload_mb: 2}\n";
  TestService svc("web", {{"alice", "acme", true}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  fs::path shots = BinaryDir() / "test-output" / "web";
  fs::remove_all(shots);
  std::string env =
      "MINUTES_URL=http://127.0.0.1:" + std::to_string(svc.port()) +
      " MINUTES_USER=alice MINUTES_PASSWORD=correct-battery-42 MINUTES_MAX_UPLOAD=" +
      std::to_string(2 * 1024 * 1024) +
      " MINUTES_RECORDING=" + ShellQuote((TestData("standup") / "meeting.wav").string()) +
      " MINUTES_RECORDING2=" + ShellQuote((TestData("planning") / "meeting.wav").string()) +
      " MINUTES_SHOTS=" + ShellQuote(shots.string());
  auto r =
      RunCommand(env + " node " + ShellQuote(SourcePath("tests/tools/web-app.e2e.mjs").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("every step passed"), std::string::npos) << r.output;
  for (const char* page : {"01-login", "04-meeting", "05-renamed", "07-edited", "08-meeting-zh"})
    EXPECT_TRUE(fs::exists(shots / (std::string(page) + ".png"))) << page;
  fs::remove(cfg);
}

}  // namespace
}  // namespace minutes
