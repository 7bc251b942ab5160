#include "scoring/wer.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>

#include "core/text.hpp"

namespace minutes::scoring {
namespace {

// sclite's default alignment costs.
constexpr int kSubCost = 4;
constexpr int kInsCost = 3;
constexpr int kDelCost = 3;

enum Op : uint8_t { kDiag = 0, kIns = 1, kDel = 2 };

// Backpointers packed 2 bits per cell: a 10k x 10k word alignment needs 25 MB.
class OpMatrix {
 public:
  OpMatrix(size_t rows, size_t cols) : cols_(cols), bits_((rows * cols + 3) / 4, 0) {}
  void Set(size_t i, size_t j, Op op) {
    size_t k = i * cols_ + j;
    bits_[k / 4] = static_cast<uint8_t>(bits_[k / 4] | (op << (2 * (k % 4))));
  }
  Op Get(size_t i, size_t j) const {
    size_t k = i * cols_ + j;
    return static_cast<Op>((bits_[k / 4] >> (2 * (k % 4))) & 3);
  }

 private:
  size_t cols_;
  std::vector<uint8_t> bits_;
};

}  // namespace

WerResult ComputeWer(const std::vector<std::string>& ref, const std::vector<std::string>& hyp) {
  const size_t n = ref.size(), m = hyp.size();
  OpMatrix ops(n + 1, m + 1);
  std::vector<long long> prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) {
    prev[j] = static_cast<long long>(j) * kInsCost;
    if (j) ops.Set(0, j, kIns);
  }
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<long long>(i) * kDelCost;
    ops.Set(i, 0, kDel);
    for (size_t j = 1; j <= m; ++j) {
      long long diag = prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : kSubCost);
      long long ins = cur[j - 1] + kInsCost;
      long long del = prev[j] + kDelCost;
      // Ties: prefer the diagonal, then an insertion, then a deletion (as sclite does).
      long long best = diag;
      Op op = kDiag;
      if (ins < best) best = ins, op = kIns;
      if (del < best) best = del, op = kDel;
      cur[j] = best;
      ops.Set(i, j, op);
    }
    std::swap(prev, cur);
  }

  WerResult r;
  r.ref_words = static_cast<int>(n);
  size_t i = n, j = m;
  while (i > 0 || j > 0) {
    switch (ops.Get(i, j)) {
      case kDiag:
        if (ref[i - 1] == hyp[j - 1])
          ++r.hits;
        else
          ++r.substitutions;
        --i, --j;
        break;
      case kIns:
        ++r.insertions, --j;
        break;
      case kDel:
        ++r.deletions, --i;
        break;
    }
  }
  if (n > 0)
    r.wer = static_cast<double>(r.errors()) / static_cast<double>(n);
  else
    r.wer = m > 0 ? 1.0 : 0.0;
  return r;
}

WerResult ComputeTextWer(std::string_view ref_text, std::string_view hyp_text) {
  return ComputeWer(NormalizeWords(ref_text), NormalizeWords(hyp_text));
}

std::vector<std::string> ReadStmWords(const std::string& path, std::string* error) {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return std::vector<std::string>{};
  };
  std::ifstream in(path);
  if (!in) return fail("cannot open " + path);
  std::vector<std::string> words;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream ls(line);
    std::string file, channel, speaker, start, end;
    if (!(ls >> file)) continue;  // blank line
    if (file.rfind(";;", 0) == 0) continue;
    if (!(ls >> channel >> speaker >> start >> end))
      return fail(path + ":" + std::to_string(lineno) +
                  ": expected 'file channel speaker start end'");
    std::string rest;
    std::getline(ls, rest);
    size_t pos = rest.find_first_not_of(" \t");
    if (pos != std::string::npos && rest[pos] == '<') {  // optional "<o,f0,male>" labels
      size_t close = rest.find('>', pos);
      if (close == std::string::npos)
        return fail(path + ":" + std::to_string(lineno) + ": unterminated label field");
      rest.erase(0, close + 1);
    }
    if (rest.find("IGNORE_TIME_SEGMENT_IN_SCORING") != std::string::npos) continue;
    for (auto& w : NormalizeWords(rest)) words.push_back(std::move(w));
  }
  if (in.bad()) return fail("error reading " + path);
  if (error) error->clear();
  return words;
}

}  // namespace minutes::scoring
