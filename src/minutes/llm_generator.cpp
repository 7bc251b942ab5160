#include "minutes/llm_generator.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "export/minutes_json.hpp"

namespace minutes {
namespace {

const char* const kSchema = R"(Reply with one JSON object and nothing else:
{"title": string,
 "summary": [string, ...],                 // 3-6 sentences on what was discussed and concluded
 "decisions": [{"text": string, "speaker": speaker id, "segment": segment id}, ...],
 "action_items": [{"text": string, "owner": name or speaker id, "due": string or null, "segment": segment id}, ...],
 "topics": [string, ...]}
Rules: use only what was said; every decision and action item cites the segment id where it was
said ("seg-…") and the speaker id ("S1"…) exactly as they appear in the transcript; "due" is the
deadline as said, or null; write in the language of the meeting; empty arrays when there is
nothing.)";

std::string Clock(double s) {
  int t = static_cast<int>(s);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  return buf;
}

}  // namespace

std::string TranscriptLine(const Transcript& tr, const Segment& s) {
  std::string name = tr.DisplayName(s.speaker);
  std::string who = name == s.speaker ? s.speaker : name + " (" + s.speaker + ")";
  return "[" + s.id + "] " + Clock(s.start) + " " + who + ": " + s.text + "\n";
}

int EstimateTokens(const std::string& text) {
  int ascii = 0, other = 0;
  for (unsigned char c : text) {
    if (c < 0x80)
      ++ascii;
    else if ((c & 0xC0) != 0x80)
      ++other;  // the first byte of a multi-byte character
  }
  return (ascii + 3) / 4 + other;
}

LlmMinutesGenerator::LlmMinutesGenerator(std::shared_ptr<LanguageModel> model,
                                         LlmMinutesOptions options)
    : model_(std::move(model)), o_(std::move(options)) {}

std::vector<std::string> LlmMinutesGenerator::Parts(const Transcript& tr) const {
  int fixed = EstimateTokens(kSchema) + EstimateTokens(o_.instructions) + 300;
  int budget = std::max(200, o_.context_tokens - o_.reply_tokens - fixed);
  std::vector<std::string> parts(1);
  int used = 0;
  for (size_t i = 0; i < tr.segments.size();) {
    // A speaker turn: consecutive segments by the same speaker stay together when they fit.
    size_t end = i + 1;
    while (end < tr.segments.size() && tr.segments[end].speaker == tr.segments[i].speaker) ++end;
    std::string turn;
    for (size_t k = i; k < end; ++k) turn += TranscriptLine(tr, tr.segments[k]);
    int cost = EstimateTokens(turn);
    if (used + cost > budget && used > 0) {
      parts.emplace_back();
      used = 0;
    }
    if (cost <= budget) {
      parts.back() += turn;
      used += cost;
    } else {  // one turn longer than a part: split it between its segments
      for (size_t k = i; k < end; ++k) {
        std::string line = TranscriptLine(tr, tr.segments[k]);
        int c = EstimateTokens(line);
        if (used + c > budget && used > 0) {
          parts.emplace_back();
          used = 0;
        }
        parts.back() += line;
        used += c;
      }
    }
    i = end;
  }
  return parts;
}

Result<RepairedMinutes> LlmMinutesGenerator::Ask(const std::string& system, const std::string& user,
                                                 const Transcript& tr) const {
  CompletionRequest req;
  req.system = system;
  req.messages = {{"user", user}};
  req.max_tokens = o_.reply_tokens;
  req.json_mode = true;
  req.schema = JsonSchema{"minutes", MinutesReplySchema()};
  std::string problem;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto c = model_->Complete(req);
    if (!c.ok()) return c.status();
    auto j = ReplyJsonObject(c->text);
    if (j.ok()) {
      // A bad citation or a stray field is repaired, never a reason to throw the answer away.
      RepairedMinutes repaired = RepairMinutes(*j, tr);
      if (repaired.usable()) return repaired;
      problem = "it has no title, summary, decisions or action items in the shape asked for";
    } else {
      problem = j.status().message();
      if (c->truncated) problem += " (the reply reached max_tokens; be more concise)";
    }
    // Once more, with the unusable reply and what is wrong with it.
    req.messages.push_back({"assistant", c->text});
    req.messages.push_back({"user", "That reply is not usable: " + problem +
                                        ". Reply again with only the JSON object asked for."});
  }
  return Status::BadInput(model_->Name() + " gave unusable minutes twice: " + problem);
}

namespace {

// `repairs` under `prefix` ("parts[2]."), appended to `out`. Citations already missing in the
// partial minutes a merge starts from were counted in their part, so `skip_absent` leaves out
// a merge's drops of absent ones.
void CollectRepairs(const std::vector<Repair>& repairs, const std::string& prefix, bool skip_absent,
                    std::vector<Repair>& out) {
  for (Repair r : repairs) {
    if (skip_absent && r.action == "dropped" &&
        (r.reason == "missing" || r.reason == "null" || r.reason == "empty"))
      continue;
    r.path = prefix + r.path;
    out.push_back(std::move(r));
  }
}

// Partial minutes as the merge step reads them.
nlohmann::json PartialJson(const MinutesDoc& doc) {
  nlohmann::json j = MinutesToJson(doc);
  j.erase("speakers");
  return j;
}

}  // namespace

Result<MinutesDoc> LlmMinutesGenerator::Generate(const Transcript& tr,
                                                 const GenerateOptions& options) const {
  auto written = Write(tr, options);
  if (!written.ok()) return written.status();
  return std::move(written->doc);
}

Result<RepairedMinutes> LlmMinutesGenerator::Write(const Transcript& tr,
                                                   const GenerateOptions& options) const {
  if (tr.segments.empty()) return Status::BadInput("the transcript is empty");
  std::string system = "You write the minutes of a meeting from its transcript.\n" +
                       std::string(kSchema) +
                       (o_.instructions.empty() ? "" : "\nInstructions:\n" + o_.instructions);
  auto parts = Parts(tr);
  RepairedMinutes out;
  if (parts.size() == 1) {
    auto one = Ask(system, "Transcript ([segment] time speaker: text):\n" + parts[0], tr);
    if (!one.ok()) return one.status();
    out = std::move(*one);
  } else {
    // Map: minutes of each part. Reduce: merge them, in groups that fit the context.
    std::vector<nlohmann::json> partials;
    for (size_t i = 0; i < parts.size(); ++i) {
      auto p =
          Ask(system,
              "Part " + std::to_string(i + 1) + " of " + std::to_string(parts.size()) +
                  " of a longer meeting. Transcript ([segment] time speaker: text):\n" + parts[i],
              tr);
      if (!p.ok()) return p.status();
      CollectRepairs(p->repairs, "parts[" + std::to_string(i) + "].", false, out.repairs);
      partials.push_back(PartialJson(p->doc));
    }
    std::string reduce_system =
        "You merge the minutes of consecutive parts of one meeting into the minutes of the "
        "whole meeting. Keep every decision and action item (drop exact duplicates) with its "
        "segment and speaker ids; write one summary and one title for the whole meeting.\n" +
        std::string(kSchema) +
        (o_.instructions.empty() ? "" : "\nInstructions:\n" + o_.instructions);
    int budget =
        std::max(200, o_.context_tokens - o_.reply_tokens - EstimateTokens(reduce_system) - 300);
    MinutesDoc whole;
    while (partials.size() > 1) {
      std::vector<nlohmann::json> next;
      for (size_t i = 0; i < partials.size();) {
        nlohmann::json group = nlohmann::json::array();
        int used = 0;
        while (i < partials.size() &&
               (group.empty() || used + EstimateTokens(partials[i].dump()) <= budget)) {
          used += EstimateTokens(partials[i].dump());
          group.push_back(partials[i++]);
        }
        if (group.size() == 1) {
          next.push_back(group[0]);
          continue;
        }
        auto m = Ask(reduce_system, "Minutes of the parts, in order:\n" + group.dump(), tr);
        if (!m.ok()) return m.status();
        CollectRepairs(m->repairs, "merged.", true, out.repairs);
        whole = m->doc;
        next.push_back(PartialJson(m->doc));
      }
      if (next.size() == partials.size()) {  // nothing could be merged: no progress possible
        return Status::BadInput("the partial minutes do not fit the model's context of " +
                                std::to_string(o_.context_tokens) + " tokens");
      }
      partials = std::move(next);
    }
    out.doc = std::move(whole);
  }
  MinutesDoc* doc = &out.doc;
  double total = 0;
  for (const auto& sp : tr.speakers) total += sp.talk_time;
  for (const auto& sp : tr.speakers)
    doc->speakers.push_back(
        {sp.id, tr.DisplayName(sp.id), sp.talk_time, total > 0 ? sp.talk_time / total : 0});
  if (!options.title_hint.empty()) doc->title = options.title_hint;
  return out;
}

}  // namespace minutes
