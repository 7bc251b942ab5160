#include "export/transcript_json.hpp"

#include <string>

#include "export/json_reader.hpp"

namespace minutes {

using json_detail::FieldPath;
using json_detail::IndexPath;
using json_detail::JsonReader;
using json_detail::Round3;
using nlohmann::json;

namespace {

// Words may stick out of their segment by a millisecond (rounding); the epsilon absorbs
// floating-point error in the subtraction itself.
constexpr double kWordSlack = 0.001 + 1e-9;

json WordToJson(const Word& w) {
  return {{"word", w.word},
          {"start", Round3(w.start)},
          {"end", Round3(w.end)},
          {"confidence", Round3(w.confidence)}};
}

json SegmentToJson(const Segment& s) {
  json words = json::array();
  for (const Word& w : s.words) words.push_back(WordToJson(w));
  return {{"id", s.id},           {"speaker", s.speaker}, {"start", Round3(s.start)},
          {"end", Round3(s.end)}, {"text", s.text},       {"words", std::move(words)}};
}

std::string Num(double v) { return json(v).dump(); }

void ReadTimes(JsonReader& r, const json& obj, const std::string& path, double& start,
               double& end) {
  r.Number(obj, path, "start", start);
  r.Number(obj, path, "end", end);
  r.Require(start >= 0, FieldPath(path, "start"), "must not be negative");
  r.Require(end >= start, FieldPath(path, "end"), Num(end) + " is before the start " + Num(start));
}

void ReadWord(JsonReader& r, const json& obj, const std::string& path, const Segment& seg,
              Word& w) {
  if (!r.Object(obj, path)) return;
  r.String(obj, path, "word", w.word);
  ReadTimes(r, obj, path, w.start, w.end);
  r.Number(obj, path, "confidence", w.confidence);
  r.Require(w.confidence >= 0 && w.confidence <= 1, FieldPath(path, "confidence"),
            "must be between 0 and 1");
  r.Require(w.start >= seg.start - kWordSlack, FieldPath(path, "start"),
            Num(w.start) + " is before the segment start " + Num(seg.start));
  r.Require(w.end <= seg.end + kWordSlack, FieldPath(path, "end"),
            Num(w.end) + " is after the segment end " + Num(seg.end));
}

void ReadSegment(JsonReader& r, const json& obj, const std::string& path, Segment& seg) {
  if (!r.Object(obj, path)) return;
  r.String(obj, path, "id", seg.id);
  r.String(obj, path, "speaker", seg.speaker);
  ReadTimes(r, obj, path, seg.start, seg.end);
  r.String(obj, path, "text", seg.text);
  const json* words = r.Array(obj, path, "words");
  if (!words) return;
  std::string words_path = FieldPath(path, "words");
  seg.words.resize(words->size());
  for (size_t i = 0; i < words->size() && r.ok(); ++i)
    ReadWord(r, (*words)[i], IndexPath(words_path, i), seg, seg.words[i]);
}

void ReadSpeaker(JsonReader& r, const json& obj, const std::string& path, Speaker& sp) {
  if (!r.Object(obj, path)) return;
  r.String(obj, path, "id", sp.id);
  r.NullableString(obj, path, "name", sp.name);
  r.Number(obj, path, "talk_time", sp.talk_time);
  r.Require(sp.talk_time >= 0, FieldPath(path, "talk_time"), "must not be negative");
}

}  // namespace

json TranscriptToJson(const Transcript& t) {
  json speakers = json::array();
  for (const Speaker& s : t.speakers) {
    speakers.push_back({{"id", s.id},
                        {"name", s.name ? json(*s.name) : json(nullptr)},
                        {"talk_time", Round3(s.talk_time)}});
  }
  json segments = json::array();
  for (const Segment& s : t.segments) segments.push_back(SegmentToJson(s));
  json out = {{"duration", Round3(t.duration)},
              {"language", t.language},
              {"speakers", std::move(speakers)},
              {"segments", std::move(segments)}};
  // Always there: null when the transcript did not record them (written before they were).
  out["engine"] = t.engine.empty() ? json(nullptr) : json(t.engine);
  out["model"] = t.model.empty() ? json(nullptr) : json(t.model);
  return out;
}

Result<Transcript> TranscriptFromJson(const json& j) {
  JsonReader r;
  Transcript t;
  if (!r.Object(j, "transcript")) return r.status();
  r.Number(j, "", "duration", t.duration);
  r.Require(t.duration >= 0, "duration", "must not be negative");
  r.String(j, "", "language", t.language);
  // Transcripts written before the engine was recorded have neither field.
  std::optional<std::string> engine, model;
  r.NullableString(j, "", "engine", engine);
  r.NullableString(j, "", "model", model);
  t.engine = engine.value_or("");
  t.model = model.value_or(ModelOfEngine(t.engine));

  if (const json* speakers = r.Array(j, "", "speakers")) {
    t.speakers.resize(speakers->size());
    for (size_t i = 0; i < speakers->size() && r.ok(); ++i)
      ReadSpeaker(r, (*speakers)[i], IndexPath("speakers", i), t.speakers[i]);
  }
  if (const json* segments = r.Array(j, "", "segments")) {
    t.segments.resize(segments->size());
    for (size_t i = 0; i < segments->size() && r.ok(); ++i) {
      std::string path = IndexPath("segments", i);
      ReadSegment(r, (*segments)[i], path, t.segments[i]);
      if (i > 0 && r.ok()) {
        const Segment& prev = t.segments[i - 1];
        r.Require(t.segments[i].start >= prev.start, FieldPath(path, "start"),
                  "segments are not in time order (" + Num(t.segments[i].start) +
                      " is before the previous start " + Num(prev.start) + ")");
      }
    }
  }
  if (!r.ok()) return r.status();
  return t;
}

}  // namespace minutes
