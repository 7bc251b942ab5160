#include "worker/stored_transcript.hpp"

#include <map>
#include <nlohmann/json.hpp>

namespace minutes {

// The stored transcript with the task's speaker names applied.
Result<Transcript> LoadTranscript(Database& db, const std::string& task_id) {
  auto head =
      db.Query("SELECT duration, language, engine FROM transcripts WHERE task_id = ?", {task_id});
  if (!head.ok()) return head.status();
  if (head->empty()) return Status::NotFound("the transcript is not ready yet");
  Transcript tr;
  tr.duration = std::get<double>((*head)[0][0]);
  tr.language = AsString((*head)[0][1]);
  tr.engine = AsString((*head)[0][2]);
  tr.model = ModelOfEngine(tr.engine);
  auto segs = db.Query(
      "SELECT id, speaker, start_s, end_s, text, words FROM segments WHERE task_id = ? ORDER BY "
      "seq",
      {task_id});
  if (!segs.ok()) return segs.status();
  std::map<std::string, double> talk;
  std::vector<std::string> order;
  for (auto& r : *segs) {
    Segment s{AsString(r[0]),         AsString(r[1]), std::get<double>(r[2]),
              std::get<double>(r[3]), AsString(r[4]), {}};
    for (auto& w : nlohmann::json::parse(AsString(r[5])))
      s.words.push_back({w["word"], w["start"], w["end"], w["confidence"]});
    if (!talk.count(s.speaker)) order.push_back(s.speaker);
    talk[s.speaker] += s.end - s.start;
    tr.segments.push_back(std::move(s));
  }
  auto names = db.Query("SELECT speaker, name FROM speaker_names WHERE task_id = ?", {task_id});
  if (!names.ok()) return names.status();
  for (auto& id : order) {
    Speaker sp{id, std::nullopt, talk[id]};
    for (auto& n : *names)
      if (AsString(n[0]) == id) sp.name = AsString(n[1]);
    tr.speakers.push_back(sp);
  }
  return tr;
}

}  // namespace minutes
