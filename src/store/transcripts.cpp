#include "store/transcripts.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "store/row_values.hpp"

namespace minutes {

using store_detail::AsReal;

Result<std::optional<TranscriptRow>> FindTranscriptRow(Database& db, const std::string& task_id) {
  auto rows = db.Query(
      "SELECT task_id, duration, language, engine, created_at FROM transcripts WHERE task_id = ?",
      {task_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<TranscriptRow>();
  const DbRow& r = (*rows)[0];
  return std::optional<TranscriptRow>(
      TranscriptRow{AsString(r[0]), AsReal(r[1]), AsString(r[2]), AsString(r[3]), AsString(r[4])});
}

Result<std::vector<SegmentRow>> FindSegmentRows(Database& db, const std::string& task_id) {
  auto rows = db.Query(
      "SELECT task_id, seq, id, speaker, start_s, end_s, text, words FROM segments WHERE "
      "task_id = ? ORDER BY seq",
      {task_id});
  if (!rows.ok()) return rows.status();
  std::vector<SegmentRow> out;
  for (const DbRow& r : *rows)
    out.push_back({AsString(r[0]), AsInt(r[1]), AsString(r[2]), AsString(r[3]), AsReal(r[4]),
                   AsReal(r[5]), AsString(r[6]), AsString(r[7])});
  return out;
}

Result<std::vector<SpeakerNameRow>> FindSpeakerNames(Database& db, const std::string& task_id) {
  auto rows =
      db.Query("SELECT task_id, speaker, name FROM speaker_names WHERE task_id = ?", {task_id});
  if (!rows.ok()) return rows.status();
  std::vector<SpeakerNameRow> out;
  for (const DbRow& r : *rows) out.push_back({AsString(r[0]), AsString(r[1]), AsString(r[2])});
  return out;
}

Result<Transcript> LoadTranscript(Database& db, const std::string& task_id) {
  auto head = FindTranscriptRow(db, task_id);
  if (!head.ok()) return head.status();
  if (!*head) return Status::NotFound("the transcript is not ready yet");
  Transcript tr;
  tr.duration = (*head)->duration;
  tr.language = (*head)->language;
  tr.engine = (*head)->engine;
  tr.model = ModelOfEngine(tr.engine);
  auto segs = FindSegmentRows(db, task_id);
  if (!segs.ok()) return segs.status();
  std::map<std::string, double> talk;
  std::vector<std::string> order;
  for (SegmentRow& r : *segs) {
    Segment s{std::move(r.id), std::move(r.speaker), r.start_s, r.end_s, std::move(r.text), {}};
    for (auto& w : nlohmann::json::parse(r.words_json))
      s.words.push_back({w["word"], w["start"], w["end"], w["confidence"]});
    if (!talk.count(s.speaker)) order.push_back(s.speaker);
    talk[s.speaker] += s.end - s.start;
    tr.segments.push_back(std::move(s));
  }
  auto names = FindSpeakerNames(db, task_id);
  if (!names.ok()) return names.status();
  for (auto& id : order) {
    Speaker sp{id, std::nullopt, talk[id]};
    for (auto& n : *names)
      if (n.speaker == id) sp.name = n.name;
    tr.speakers.push_back(sp);
  }
  return tr;
}

Status ReplaceTranscript(Database& tx, const std::string& task_id, const Transcript& transcript,
                         const std::string& engine) {
  for (const char* table : {"segments", "transcripts"})
    if (Status s = tx.Exec(std::string("DELETE FROM ") + table + " WHERE task_id = ?", {task_id});
        !s.ok())
      return s;
  if (Status s = tx.Exec(
          "INSERT INTO transcripts (task_id, duration, language, engine, created_at) VALUES (?, "
          "?, ?, ?, ?)",
          {task_id, transcript.duration, transcript.language, engine, NowIso()});
      !s.ok())
    return s;
  int64_t seq = 0;
  for (const auto& seg : transcript.segments) {
    nlohmann::json words = nlohmann::json::array();
    for (const auto& w : seg.words)
      words.push_back(
          {{"word", w.word}, {"start", w.start}, {"end", w.end}, {"confidence", w.confidence}});
    if (Status s = tx.Exec(
            "INSERT INTO segments (task_id, seq, id, speaker, start_s, end_s, text, words) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {task_id, seq++, seg.id, seg.speaker, seg.start, seg.end, seg.text, words.dump()});
        !s.ok())
      return s;
  }
  return Status::Ok();
}

Result<bool> HasTranscript(Database& db, const std::string& task_id) {
  auto rows = db.Query("SELECT 1 FROM transcripts WHERE task_id = ?", {task_id});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

Status SetSpeakerName(Database& db, const std::string& task_id, const std::string& speaker,
                      const std::string& name) {
  return db.Exec(
      "INSERT INTO speaker_names (task_id, speaker, name) VALUES (?, ?, ?) "
      "ON CONFLICT (task_id, speaker) DO UPDATE SET name = excluded.name",
      {task_id, speaker, name});
}

Status ClearSpeakerName(Database& db, const std::string& task_id, const std::string& speaker) {
  return db.Exec("DELETE FROM speaker_names WHERE task_id = ? AND speaker = ?", {task_id, speaker});
}

Result<std::optional<SegmentPlace>> FindSegmentPlace(Database& db, const std::string& task_id,
                                                     const std::string& segment_id) {
  auto rows = db.Query("SELECT speaker, start_s, end_s FROM segments WHERE task_id = ? AND id = ?",
                       {task_id, segment_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<SegmentPlace>();
  const DbRow& r = rows->front();
  return std::optional<SegmentPlace>(SegmentPlace{AsString(r[0]), AsReal(r[1]), AsReal(r[2])});
}

Status UpdateSegmentText(Database& db, const std::string& task_id, const std::string& segment_id,
                         const std::string& text, const std::string& words_json) {
  return db.Exec("UPDATE segments SET text = ?, words = ? WHERE task_id = ? AND id = ?",
                 {text, words_json, task_id, segment_id});
}

}  // namespace minutes
