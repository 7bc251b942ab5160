#include "asr/provider_replies.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/json_read.hpp"
#include "core/text.hpp"

namespace minutes {
namespace {

using nlohmann::json;

// Readers that never throw and never index past what is there: json's const operator[] is
// undefined for a missing key, value() throws for a member of another type, and value(k, 0)
// reads an int (a float out of int's range is undefined behaviour).
const json& Items(const json& j) {
  static const json kEmpty = json::array();
  return j.is_array() ? j : kEmpty;
}

// A finite number, given as a number or a numeric string; `fallback` otherwise (a string
// "nan" or "1e999" made a time that sorted nowhere).
double Number(const json& v, double fallback = 0) {
  double d = fallback;
  if (v.is_number()) d = v.get<double>();
  if (v.is_string()) d = std::strtod(v.get<std::string>().c_str(), nullptr);
  return std::isfinite(d) ? d : fallback;
}

// A UTF-8 string's characters.
std::vector<std::string> Characters(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : 4;
    n = std::min(n, s.size() - i);
    std::string ch = s.substr(i, n);
    if (ch != " ") out.push_back(ch);
    i += n;
  }
  return out;
}

// Words split from `text`, spread evenly over [start, end] (servers without word times).
std::vector<Word> Spread(const std::string& text, double start, double end) {
  std::vector<Word> out;
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  end = std::max(start, end);
  double step = words.empty() ? 0 : (end - start) / static_cast<double>(words.size());
  for (size_t i = 0; i < words.size(); ++i)
    out.push_back({words[i], start + step * static_cast<double>(i),
                   start + step * static_cast<double>(i + 1), 0.5});
  return out;
}

}  // namespace

Result<RecordingTranscript> ParseTranscribeTranscript(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  const json& res = JsonMember(j, "results");
  if (!res.is_object())
    return Status(ErrorKind::kUnavailable, "amazon transcribe: the transcript has no results");
  // Older transcripts carry speakers only in speaker_labels.segments[].items, by start time.
  std::map<std::string, std::string> label_at;
  for (const auto& seg : Items(JsonMember(JsonMember(res, "speaker_labels"), "segments")))
    for (const auto& it : Items(JsonMember(seg, "items")))
      label_at[JsonString(JsonMember(it, "start_time"))] =
          JsonString(JsonMember(it, "speaker_label"));
  RecordingTranscript out;
  for (const auto& item : Items(JsonMember(res, "items"))) {
    const json& alts = Items(JsonMember(item, "alternatives"));
    if (alts.empty()) continue;
    const json& alt = alts[0];
    std::string content = JsonString(JsonMember(alt, "content"));
    if (JsonString(JsonMember(item, "type")) == "punctuation") {
      if (!out.words.empty()) AppendWord(&out.words.back().word.word, content);
      continue;
    }
    LabeledWord w;
    w.word.word = content;
    w.word.start = Number(JsonMember(item, "start_time"));
    w.word.end = std::max(w.word.start, Number(JsonMember(item, "end_time")));
    w.word.confidence = std::clamp(Number(JsonMember(alt, "confidence")), 0.0, 1.0);
    w.speaker = JsonString(JsonMember(item, "speaker_label"));
    if (w.speaker.empty() && JsonMember(item, "start_time").is_string())
      w.speaker = label_at[JsonString(JsonMember(item, "start_time"))];
    if (!w.speaker.empty()) out.has_speakers = true;
    out.words.push_back(std::move(w));
  }
  out.language = JsonString(JsonMember(res, "language_code")).substr(0, 2);
  std::stable_sort(out.words.begin(), out.words.end(),
                   [](const auto& a, const auto& b) { return a.word.start < b.word.start; });
  return out;
}

Result<RecordingTranscript> ParseVolcengineResult(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  const json& result = JsonMember(j, "result");
  if (!result.is_object())
    return Status(ErrorKind::kUnavailable, "volcengine: the reply has no result");
  RecordingTranscript out;
  for (const auto& u : Items(JsonMember(result, "utterances"))) {
    std::string speaker;
    if (const json& sp = JsonMember(JsonMember(u, "additions"), "speaker"); !sp.is_null()) {
      speaker = sp.is_string() ? sp.get<std::string>() : sp.dump();
      out.has_speakers = true;
    }
    // An utterance without an end (or ending before it starts) is taken as instantaneous: its
    // characters spread backwards in time otherwise (found by provider_reply_fuzz).
    double us = Number(JsonMember(u, "start_time")) / 1000.0;
    double ue = std::max(us, Number(JsonMember(u, "end_time")) / 1000.0);
    const json& words = Items(JsonMember(u, "words"));
    if (words.empty()) {  // spread the text over the utterance, character by character
      auto chars = Characters(JsonString(JsonMember(u, "text")));
      double step = chars.empty() ? 0 : (ue - us) / static_cast<double>(chars.size());
      for (size_t i = 0; i < chars.size(); ++i)
        out.words.push_back({{chars[i], us + step * static_cast<double>(i),
                              us + step * static_cast<double>(i + 1), 0.5},
                             speaker});
      continue;
    }
    for (const auto& w : words) {
      LabeledWord lw;
      lw.word.word = JsonString(JsonMember(w, "text"));
      lw.word.start = Number(JsonMember(w, "start_time")) / 1000.0;
      lw.word.end = std::max(lw.word.start, Number(JsonMember(w, "end_time")) / 1000.0);
      const json& confidence = JsonMember(w, "confidence");
      lw.word.confidence = confidence.is_number() ? std::clamp(Number(confidence), 0.0, 1.0) : 0.9;
      lw.speaker = speaker;
      if (!lw.word.word.empty()) out.words.push_back(std::move(lw));
    }
  }
  std::stable_sort(out.words.begin(), out.words.end(),
                   [](const auto& a, const auto& b) { return a.word.start < b.word.start; });
  return out;
}

Result<std::vector<Word>> ParseOpenAiTranscription(const std::string& name, const std::string& body,
                                                   double span, double offset_s) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return Status(ErrorKind::kUnavailable, name + ": the reply is not JSON");
  // Confidence per segment from its average log-probability, when the server gives one.
  std::vector<std::pair<double, double>> seg_conf;  // (end, confidence)
  for (const auto& s : Items(JsonMember(j, "segments")))
    if (JsonMember(s, "avg_logprob").is_number())
      seg_conf.push_back(
          {Number(JsonMember(s, "end")), std::exp(Number(JsonMember(s, "avg_logprob")))});
  auto confidence = [&](double t) {
    for (auto& [end, c] : seg_conf)
      if (t <= end + 1e-6) return std::clamp(c, 0.0, 1.0);
    return 0.9;
  };
  std::vector<Word> words;
  if (!Items(JsonMember(j, "words")).empty()) {
    for (const auto& w : Items(JsonMember(j, "words"))) {
      std::string text = JsonString(JsonMember(w, "word"));
      while (!text.empty() && text.front() == ' ') text.erase(0, 1);
      if (text.empty()) continue;
      double s = std::clamp(Number(JsonMember(w, "start")), 0.0, span);
      double e = std::clamp(Number(JsonMember(w, "end"), s), s, span);
      words.push_back({text, offset_s + s, offset_s + e, confidence(s)});
    }
  } else if (JsonMember(j, "segments").is_array()) {
    for (const auto& seg : Items(JsonMember(j, "segments"))) {
      double start = Number(JsonMember(seg, "start"));
      for (auto w : Spread(JsonString(JsonMember(seg, "text")), start,
                           Number(JsonMember(seg, "end"), start))) {
        w.start = offset_s + std::clamp(w.start, 0.0, span);
        w.end = offset_s + std::clamp(w.end, w.start - offset_s, span);
        words.push_back(w);
      }
    }
  } else if (JsonMember(j, "text").is_string()) {
    for (auto w : Spread(JsonString(JsonMember(j, "text")), 0.0, span)) {
      w.start += offset_s;
      w.end += offset_s;
      words.push_back(w);
    }
  }
  return words;
}

}  // namespace minutes
