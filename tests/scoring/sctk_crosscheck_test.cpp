// Cross-checks ComputeWer against NIST sclite and ComputeDer against NIST md-eval.pl on the
// same randomly generated inputs. The SCTK tools are required: a missing tool is a failure.
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "scoring/der.hpp"
#include "scoring/wer.hpp"

namespace minutes::scoring {
namespace {

namespace fs = std::filesystem;

struct CommandOutput {
  int exit_code = -1;
  std::string out;
};

CommandOutput Run(const std::string& command) {
  CommandOutput result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Finds an SCTK program: the Debian package keeps them in /usr/lib/sctk/bin, off PATH.
std::string FindSctkTool(const std::string& name) {
  for (std::string dir : {"/usr/lib/sctk/bin", "/usr/local/bin", "/usr/bin"})
    if (fs::exists(dir + "/" + name)) return dir + "/" + name;
  std::string found = Trim(Run("command -v " + name + " 2>/dev/null").out);
  if (!found.empty()) return found;
  return Trim(Run("dpkg -L sctk 2>/dev/null | grep -m1 '/" + name + "$'").out);
}

class SctkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sctk_crosscheck.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);  // keep the inputs of a failing case
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

// ---------------------------------------------------------------------------------------------
// WER vs sclite

struct SclitePair {
  std::vector<std::string> ref, hyp;
};

struct SciteCounts {
  int words = 0, sub = 0, del = 0, ins = 0;
};

// Runs sclite on trn files with one utterance per pair (speaker "u<index>") and returns the
// per-speaker raw counts from its "rsum" report.
std::map<std::string, SciteCounts> RunSclite(const std::string& sclite, const std::string& dir,
                                             const std::vector<SclitePair>& pairs) {
  std::ofstream ref(dir + "/ref.trn"), hyp(dir + "/hyp.trn");
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string id = " (u" + std::to_string(1000 + i) + "_1)\n";
    for (const auto& w : pairs[i].ref) ref << w << ' ';
    ref << id;
    for (const auto& w : pairs[i].hyp) hyp << w << ' ';
    hyp << id;
  }
  ref.close();
  hyp.close();
  auto out = Run("cd '" + dir + "' && '" + sclite +
                 "' -r ref.trn trn -h hyp.trn trn -i rm -o rsum stdout 2>&1");
  EXPECT_EQ(out.exit_code, 0) << out.out;
  // | u1000 |    1      5 |    2      0      3      2      5      1 |
  std::regex row(R"(\|\s*(u\d+)\s*\|\s*(\d+)\s+(\d+)\s*\|\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s)");
  std::map<std::string, SciteCounts> counts;
  std::istringstream lines(out.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    counts[m[1]] = {std::stoi(m[3]), std::stoi(m[5]), std::stoi(m[6]), std::stoi(m[7])};
  }
  EXPECT_FALSE(counts.empty()) << "could not parse sclite output:\n" << out.out;
  return counts;
}

void ExpectSameAsSclite(const std::string& sclite, const std::string& dir,
                        const std::vector<SclitePair>& pairs) {
  auto counts = RunSclite(sclite, dir, pairs);
  ASSERT_EQ(counts.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& c = counts["u" + std::to_string(1000 + i)];
    auto r = ComputeWer(pairs[i].ref, pairs[i].hyp);
    SCOPED_TRACE("utterance u" + std::to_string(1000 + i));
    EXPECT_EQ(r.ref_words, c.words);
    EXPECT_EQ(r.substitutions, c.sub);
    EXPECT_EQ(r.deletions, c.del);
    EXPECT_EQ(r.insertions, c.ins);
  }
}

std::vector<std::string> RandomWords(std::mt19937& rng, const std::vector<std::string>& vocab,
                                     int max_len) {
  std::vector<std::string> words(std::uniform_int_distribution<int>(0, max_len)(rng));
  for (auto& w : words) w = vocab[std::uniform_int_distribution<size_t>(0, vocab.size() - 1)(rng)];
  return words;
}

TEST_F(SctkTest, WerEqualsScliteOnRandomUtterances) {
  const std::string sclite = FindSctkTool("sclite");
  ASSERT_FALSE(sclite.empty()) << "sclite not found; install the sctk package";
  std::mt19937 rng(20240229);
  const std::vector<std::string> tiny = {"a", "b", "c"};  // many equal-cost alignments
  const std::vector<std::string> small = {"the", "we", "will", "go", "to", "it", "is", "on"};
  std::vector<SclitePair> pairs;
  for (int i = 0; i < 300; ++i) {
    const auto& vocab = i % 2 ? tiny : small;
    SclitePair p{RandomWords(rng, vocab, 12), RandomWords(rng, vocab, 12)};
    if (p.ref.empty()) p.ref.push_back("a");  // sclite needs a non-empty reference
    pairs.push_back(std::move(p));
  }
  ExpectSameAsSclite(sclite, dir_.string(), pairs);
}

TEST_F(SctkTest, WerEqualsScliteOnNoisyTranscripts) {
  const std::string sclite = FindSctkTool("sclite");
  ASSERT_FALSE(sclite.empty()) << "sclite not found; install the sctk package";
  // A realistic reference and recognizer-like corruptions of it: dropped, replaced and
  // inserted words, at increasing error rates.
  const std::string text =
      "good morning everyone let us start the weekly standup yesterday i finished the login page "
      "and fixed two bugs in the upload form thanks bob carol how is the database migration going "
      "the migration script is ready i will run it on the staging server tomorrow i can help test "
      "the staging server after lunch great we decided to release version two on friday action "
      "item for me send the release notes to the team by thursday okay that is all for today";
  std::vector<std::string> ref;
  std::istringstream in(text);
  for (std::string w; in >> w;) ref.push_back(w);
  const std::vector<std::string> junk = {"uh", "the", "a", "and", "to", "server", "you"};
  std::mt19937 rng(7);
  std::vector<SclitePair> pairs;
  for (double rate : {0.0, 0.05, 0.15, 0.3, 0.6, 0.9}) {
    std::vector<std::string> hyp;
    std::uniform_real_distribution<double> u(0, 1);
    for (const auto& w : ref) {
      double x = u(rng);
      if (x < rate / 3) continue;  // deletion
      if (x < 2 * rate / 3)
        hyp.push_back(junk[rng() % junk.size()]);  // substitution
      else
        hyp.push_back(w);
      if (u(rng) < rate / 3) hyp.push_back(junk[rng() % junk.size()]);  // insertion
    }
    pairs.push_back({ref, hyp});
  }
  ExpectSameAsSclite(sclite, dir_.string(), pairs);
}

// ---------------------------------------------------------------------------------------------
// DER vs md-eval

struct MdEvalScores {
  double scored = -1, missed = -1, false_alarm = -1, confusion = -1, der = -1;
};

void WriteRttm(const std::string& path, const std::vector<Turn>& turns) {
  std::ofstream out(path);
  char line[256];
  for (const auto& t : turns) {
    std::snprintf(line, sizeof line, "SPEAKER meeting 1 %.3f %.3f <NA> <NA> %s <NA> <NA>\n",
                  t.start, t.end - t.start, t.speaker.c_str());
    out << line;
  }
}

MdEvalScores RunMdEval(const std::string& md_eval, const std::string& ref, const std::string& hyp,
                       double collar) {
  auto out = Run("perl '" + md_eval + "' -r '" + ref + "' -s '" + hyp + "' -c " +
                 std::to_string(collar) + " 2>&1");
  EXPECT_EQ(out.exit_code, 0) << out.out;
  MdEvalScores s;
  auto grab = [&](const char* pattern, double& value) {
    std::smatch m;
    if (std::regex_search(out.out, m, std::regex(pattern)))
      value = std::stod(m[1]);
    else
      ADD_FAILURE() << "no '" << pattern << "' in md-eval output:\n" << out.out;
  };
  grab(R"(SCORED SPEAKER TIME =\s*([\d.]+))", s.scored);
  grab(R"(MISSED SPEAKER TIME =\s*([\d.]+))", s.missed);
  grab(R"(FALARM SPEAKER TIME =\s*([\d.]+))", s.false_alarm);
  grab(R"(SPEAKER ERROR TIME =\s*([\d.]+))", s.confusion);
  grab(R"(OVERALL SPEAKER DIARIZATION ERROR =\s*([\d.]+))", s.der);
  return s;
}

double Ms(double t) { return std::round(t * 1000) / 1000; }

// A meeting-like reference: turns with gaps, some overlapping the previous turn; a speaker never
// overlaps itself.
std::vector<Turn> RandomReference(std::mt19937& rng, int speakers, int turns) {
  std::uniform_real_distribution<double> gap(-1.5, 1.5), len(0.4, 8.0);
  std::vector<double> busy_until(speakers, 0);
  std::vector<Turn> out;
  double t = std::uniform_real_distribution<double>(0, 3)(rng);
  int prev = -1;
  for (int i = 0; i < turns; ++i) {
    int s;
    do s = static_cast<int>(rng() % speakers);
    while (s == prev);
    double start = std::max({Ms(t + gap(rng)), busy_until[s] + 0.1, 0.0});
    double end = Ms(start + len(rng));
    start = Ms(start);
    out.push_back({"spk" + std::to_string(s), start, end});
    busy_until[s] = end;
    t = std::max(t, end);
    prev = s;
  }
  return out;
}

// A diarizer-like hypothesis: jittered boundaries, renamed speakers, some turns given to the
// wrong speaker, dropped, split, or accompanied by a spurious extra speaker.
std::vector<Turn> RandomHypothesis(std::mt19937& rng, const std::vector<Turn>& ref, int speakers) {
  std::uniform_real_distribution<double> u(0, 1), jitter(-0.4, 0.4);
  std::vector<Turn> out;
  for (const auto& t : ref) {
    double x = u(rng);
    if (x < 0.08) continue;  // missed turn
    int s = std::stoi(t.speaker.substr(3));
    std::string name = "S" + std::to_string((s * 7 + 3) % speakers + 1);
    if (x < 0.2) name = "S" + std::to_string(rng() % (speakers + 1) + 1);  // maybe a new one
    double start = Ms(std::max(0.0, t.start + jitter(rng)));
    double end = Ms(std::max(start + 0.05, t.end + jitter(rng)));
    if (u(rng) < 0.15 && end - start > 1) {  // split between two speakers
      double mid = Ms((start + end) / 2);
      out.push_back({name, start, mid});
      out.push_back({"S" + std::to_string(rng() % speakers + 1), mid, end});
    } else {
      out.push_back({name, start, end});
    }
    if (u(rng) < 0.05) out.push_back({"S99", Ms(end + 0.1), Ms(end + 1.3)});  // false alarm
  }
  // One speaker's turns must not overlap each other (md-eval warns): trim them.
  std::map<std::string, double> busy;
  std::vector<Turn> clean;
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.start < b.start; });
  for (auto t : out) {
    auto it = busy.find(t.speaker);
    if (it != busy.end() && t.start < it->second) t.start = it->second;
    if (t.end - t.start < 0.01) continue;
    busy[t.speaker] = t.end;
    clean.push_back(t);
  }
  return clean;
}

TEST_F(SctkTest, DerMatchesMdEvalOnRandomMeetings) {
  const std::string md_eval = FindSctkTool("md-eval.pl");
  ASSERT_FALSE(md_eval.empty()) << "md-eval.pl not found; install the sctk package";
  std::mt19937 rng(42);
  int cases = 0;
  for (int speakers : {2, 3, 4, 6}) {
    for (int rep = 0; rep < 3; ++rep) {
      auto ref_turns = RandomReference(rng, speakers, 10 + 10 * rep);
      auto hyp_turns = RandomHypothesis(rng, ref_turns, speakers);
      const std::string ref = Path("ref" + std::to_string(cases) + ".rttm");
      const std::string hyp = Path("hyp" + std::to_string(cases) + ".rttm");
      WriteRttm(ref, ref_turns);
      WriteRttm(hyp, hyp_turns);
      // Score exactly what md-eval reads: the millisecond-rounded RTTM files.
      std::string error;
      auto ref_read = ReadRttm(ref, &error);
      ASSERT_EQ(error, "");
      auto hyp_read = ReadRttm(hyp, &error);
      ASSERT_EQ(error, "");
      for (double collar : {0.0, 0.25, 0.5}) {
        SCOPED_TRACE(ref + " " + hyp + " collar " + std::to_string(collar));
        auto ours = ComputeDer(ref_read, hyp_read, collar);
        auto theirs = RunMdEval(md_eval, ref, hyp, collar);
        EXPECT_NEAR(100 * ours.der, theirs.der, 0.5);
        // md-eval prints seconds with two decimals.
        EXPECT_NEAR(ours.total, theirs.scored, 0.006);
        EXPECT_NEAR(ours.missed, theirs.missed, 0.006);
        EXPECT_NEAR(ours.false_alarm, theirs.false_alarm, 0.006);
        EXPECT_NEAR(ours.confusion, theirs.confusion, 0.006);
      }
      ++cases;
    }
  }
}

TEST_F(SctkTest, DerMatchesMdEvalOnHandWorkedExample) {
  const std::string md_eval = FindSctkTool("md-eval.pl");
  ASSERT_FALSE(md_eval.empty()) << "md-eval.pl not found; install the sctk package";
  std::vector<Turn> ref = {{"A", 0, 10}, {"B", 12, 20}, {"A", 18, 22}};
  std::vector<Turn> hyp = {{"x", 0.5, 11.5}, {"y", 11.5, 24.5}};
  WriteRttm(Path("ref.rttm"), ref);
  WriteRttm(Path("hyp.rttm"), hyp);
  auto theirs = RunMdEval(md_eval, Path("ref.rttm"), Path("hyp.rttm"), 0.25);
  EXPECT_NEAR(theirs.der, 24.36, 0.005);
  EXPECT_NEAR(100 * ComputeDer(ref, hyp, 0.25).der, theirs.der, 0.005);
}

}  // namespace
}  // namespace minutes::scoring
