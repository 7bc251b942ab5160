// `minutes run` on synthesized meetings: accuracy against ground truth and the stock recognizer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/text.hpp"
#include "run_command.hpp"
#include "scoring/der.hpp"
#include "scoring/expectations.hpp"
#include "scoring/wer.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using minutes::testing::RunCommand;
using minutes::testing::ShellQuote;
using minutes::testing::TestData;

nlohmann::json ReadJson(const fs::path& p) { return nlohmann::json::parse(std::ifstream(p)); }

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The stock CLI's transcript of the same WAV, one line per utterance it found.
std::vector<std::string> StockWords(const fs::path& wav) {
  auto r = RunCommand("pocketsphinx_continuous -infile " + ShellQuote(wav.string()) +
                      " -logfn /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return NormalizeWords(r.output);
}

struct MeetingScore {
  scoring::WerResult ours, stock;
};

// Runs `minutes run` on one synthesized meeting and checks everything but WER, which is
// judged over the whole corpus below.
MeetingScore CheckMeeting(const std::string& name) {
  SCOPED_TRACE("meeting " + name);
  MeetingScore score;
  fs::path dir = TestData(name);
  fs::path out = minutes::testing::BinaryDir() / "e2e-out" / name;
  fs::remove_all(out);
  auto run = RunCommand(minutes::testing::MinutesBinary() + " run " +
                        ShellQuote((dir / "meeting.wav").string()) + " --out " +
                        ShellQuote(out.string()) + " --threads 2");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  if (run.exit_code != 0) return score;
  EXPECT_NE(run.output.find("RTF"), std::string::npos) << "one-line summary: " << run.output;
  for (auto f : {"transcript.json", "transcript.txt", "transcript.srt", "transcript.vtt",
                 "transcript.rttm", "minutes.json", "minutes.md"})
    EXPECT_TRUE(fs::exists(out / f)) << f;

  auto tr = ReadJson(out / "transcript.json");
  auto ref = ReadJson(dir / "reference.json");

  // Schema: segments in time order, every word inside its segment.
  double prev = -1;
  std::string hyp_text;
  for (auto& s : tr["segments"]) {
    EXPECT_GE(double(s["start"]), prev);
    prev = s["start"];
    for (auto& w : s["words"]) {
      EXPECT_GE(double(w["start"]), double(s["start"]) - 1e-3);
      EXPECT_LE(double(w["end"]), double(s["end"]) + 1e-3);
    }
    hyp_text += std::string(s["text"]) + " ";
  }

  auto ref_words = scoring::ReadStmWords((dir / "reference.stm").string());
  score.ours = scoring::ComputeWer(ref_words, NormalizeWords(hyp_text));
  score.stock = scoring::ComputeWer(ref_words, StockWords(dir / "meeting.wav"));
  std::printf("%-8s WER %.3f (%d errors), stock pocketsphinx_continuous %.3f (%d errors)\n",
              name.c_str(), score.ours.wer, score.ours.errors(), score.stock.wer,
              score.stock.errors());

  // Speakers: the true count, numbered S1.. in order of appearance; DER within 10 %.
  std::set<std::string> true_speakers;
  for (auto& u : ref["utterances"]) true_speakers.insert(u["speaker"]);
  EXPECT_EQ(tr["speakers"].size(), true_speakers.size());
  if (!tr["segments"].empty()) {
    EXPECT_EQ(tr["segments"][0]["speaker"], "S1");
  }
  auto der = scoring::ComputeDer(scoring::ReadRttm((dir / "reference.rttm").string()),
                                 scoring::ReadRttm((out / "transcript.rttm").string()), 0.25);
  std::printf("%-8s DER %.3f (missed %.2f s, false alarm %.2f s, confusion %.2f s)\n", name.c_str(),
              der.der, der.missed, der.false_alarm, der.confusion);
  EXPECT_LE(der.der, 0.10);

  // Minutes: every decision and action item the script plants is found.
  auto mins = ReadJson(out / "minutes.json");
  std::string error;
  auto expected = scoring::ReadExpectations((dir / "script.txt").string(), &error);
  EXPECT_TRUE(error.empty()) << error;
  // An item is found when the generator reports one from the right place: a segment that
  // overlaps the reference utterance the script planted it in (the key words identify that
  // utterance in the ground truth, so recognition errors in them do not hide a found item),
  // with the right owner for action items.
  std::map<std::string, std::pair<double, double>> seg_time;
  for (auto& s : tr["segments"]) seg_time[s["id"]] = {s["start"], s["end"]};
  auto find = [&](const char* kind, const scoring::ExpectedItem& e) {
    bool planted_owners = false;
    // The first utterance with the key words, preferring one by or naming the owner.
    const nlohmann::json* planted = nullptr;
    for (auto& u : ref["utterances"]) {
      std::string text = u["text"];
      if (!scoring::ContainsKeyWords(text, e.words)) continue;
      bool owners = e.owner.empty() || Lower(u["speaker"]) == e.owner ||
                    scoring::ContainsKeyWords(text, {e.owner});
      if (!planted || (owners && !planted_owners)) planted = &u, planted_owners = owners;
    }
    ASSERT_NE(planted, nullptr) << "script error: no utterance has '" << Join(e.words, " ") << "'";
    double us = (*planted)["start"], ue = (*planted)["end"];
    std::string seen;
    for (auto& item : mins[kind]) {
      std::string text = item["text"];
      seen += "\n  " + text;
      auto [ss, se] = seg_time[item["segment"]];
      if (std::min(se, ue) - std::max(ss, us) < 0.5 * (se - ss)) continue;
      if (e.owner.empty()) return;
      // The owner is the named person, or the speaker id the script's speaker maps to.
      std::string owner = Lower(item["owner"]);
      std::string mapped = der.mapping.count(e.owner) ? Lower(der.mapping[e.owner]) : "";
      if (owner == e.owner || owner == mapped) return;
      seen += "  (owner " + owner + ", expected " + e.owner + " or " + mapped + ")";
    }
    ADD_FAILURE() << kind << " planted in '" << std::string((*planted)["text"])
                  << "' not found among:" << seen;
  };
  for (auto& e : expected.decisions) find("decisions", e);
  for (auto& e : expected.actions) find("action_items", e);
  std::ifstream md(out / "minutes.md");
  std::string mdtext((std::istreambuf_iterator<char>(md)), {});
  EXPECT_NE(mdtext.find("# "), std::string::npos) << "minutes.md is Markdown";
  return score;
}

// The synthesized corpus: clean meetings of 2–4 voices and a noisy one. WER is compared over
// the corpus (errors / reference words), as WER is reported, against the stock CLI on the
// very same WAV files.
TEST(MeetingRuns, EveryMeetingMatchesGroundTruthAndTheCorpusBeatsTheStockRecognizer) {
  int ours = 0, stock = 0, words = 0;
  for (const char* name : {"standup", "planning", "review", "noisy"}) {
    MeetingScore s = CheckMeeting(name);
    ours += s.ours.errors();
    stock += s.stock.errors();
    words += s.ours.ref_words;
  }
  ASSERT_GT(words, 400);
  std::printf("corpus   WER %.3f, stock %.3f over %d words\n", double(ours) / words,
              double(stock) / words, words);
  EXPECT_LE(ours, stock) << "minutes must be at least as accurate as pocketsphinx_continuous";
}

}  // namespace
}  // namespace minutes
