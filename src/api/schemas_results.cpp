// Schemas of tasks and what they produce: transcripts, minutes, answers.
#include "api/schema_sets.hpp"
#include "api/schemas.hpp"

namespace minutes::schema::sets {

using nlohmann::json;

namespace {

json SpeakerId(const std::string& description) {
  json s = Str(description);
  s["pattern"] = "^S[0-9]+$";
  s["example"] = "S1";
  return s;
}

json SegmentId(const std::string& description) {
  json s = Str(description);
  s["pattern"] = "^seg-[0-9]+$";
  s["example"] = "seg-0001";
  return s;
}

json Seconds(const std::string& description) {
  json s = Num(description + " (seconds)");
  s["minimum"] = 0;
  return s;
}

}  // namespace

void AddResults(json& c) {
  c["TaskState"] = Enum({"queued", "processing", "succeeded", "failed", "canceled"});
  c["Task"] =
      Obj({{"id", Str()},
           {"title", Str("the meeting's title (the file name when none was given)")},
           {"state", Ref("TaskState")},
           {"stage", Str("what processing is doing now (decode, asr, diarize, minutes…); \"\" when "
                         "not processing")},
           {"progress", Num("0 to 1")},
           {"error", Nullable(Str("why it failed or who canceled it"))},
           {"template", Str("the minutes template name")},
           {"created_at", DateTime()},
           {"updated_at", DateTime()},
           {"filename", Str("the recording's file name")},
           {"size", Int("the recording's size in bytes")},
           {"duration", Nullable(Seconds("the recording's length, once transcribed"))},
           {"expected_speakers", Int("how many speakers were announced at upload; 0: found out")},
           {"language", Str("the spoken language asked for (\"auto\": detected)")},
           {"hotword_set", Nullable(Str("the hotword set's id"))},
           {"attempts", Int("processing attempts so far")},
           {"format", Nullable(Str("the recording's container/codec as probed (wav, mp3, m4a…)"))},
           {"engine", Str("the speech engine asked for (auto: the tenant's)")},
           {"engine_used", Nullable(Str("the speech engine that made the transcript"))}},
          "A recording on its way to a transcript and minutes");
  c["TaskPage"] = Obj({{"items", ArrayOf(Ref("Task"))},
                       {"page", Int("from 1")},
                       {"page_size", Int()},
                       {"total", Int("tasks matching, over all pages")}});
  c["TaskFromUpload"] = Obj({{"upload_id", Str("a completed direct upload")},
                             {"title", Str("the meeting's title"), false},
                             {"template", Str("a minutes template name"), false},
                             {"hotword_set", Str("a hotword set id"), false},
                             {"expected_speakers", Int("0 (find out) to 20"), false},
                             {"speakers", Int("deprecated name of expected_speakers"), false},
                             {"language", Str("the spoken language (auto)"), false},
                             {"engine", Str("a configured speech engine name (auto)"), false}},
                            "A task from a completed direct upload");

  c["Word"] = Obj({{"word", Str()},
                   {"start", Seconds("from the start of the recording")},
                   {"end", Seconds("from the start of the recording")},
                   {"confidence", Num("0 to 1")}});
  c["Segment"] = Obj({{"id", SegmentId("the line's id, the {segment} of its path")},
                      {"speaker", SpeakerId("who said it")},
                      {"start", Seconds("from the start of the recording")},
                      {"end", Seconds("from the start of the recording")},
                      {"text", Str()},
                      {"words", ArrayOf(Ref("Word"))}},
                     "One line of the transcript");
  c["Speaker"] = Obj({{"id", SpeakerId("S1, S2… in order of first speaking")},
                      {"name", Nullable(Str("the name given to the speaker; null until named"))},
                      {"talk_time", Seconds("how long the speaker talks")}});
  c["Transcript"] =
      Obj({{"duration", Seconds("the recording's length")},
           {"language", Str("the spoken language")},
           {"speakers", ArrayOf(Ref("Speaker"))},
           {"segments", ArrayOf(Ref("Segment"), "in time order")},
           {"engine", Nullable(Str("the speech engine that made it; null: not recorded"))},
           {"model", Nullable(Str("the engine's model; null: not recorded"))}});
  c["SpeakerNames"] =
      MapOf(Nullable(Str("the name; null or \"\" removes it")), "{\"S1\": \"Alice Chen\", …}");
  c["SpeakerNamesUpdated"] = Obj({{"updated", Int("how many names were set or removed")}});
  c["SegmentEdit"] = Obj({{"text", Str("the corrected line")}});

  c["Repair"] = Obj({{"path", Str("where in the answer, e.g. decisions[2].segment")},
                     {"action", Str("what was done: dropped, replaced, truncated, …")},
                     {"reason", Str(), false},
                     {"from", Str(), false},
                     {"to", Str(), false}},
                    "Something in a language model's answer that was repaired before it was kept");
  c["Decision"] = Obj({{"text", Str()},
                       {"speaker", Nullable(SpeakerId("who stated it"))},
                       {"speaker_name", Nullable(Str("the speaker's name; null until named"))},
                       {"segment", Nullable(SegmentId("where it was said"))}});
  c["ActionItem"] = Obj(
      {{"text", Str()},
       {"owner", Nullable(SpeakerId("the speaker who does it; null: nobody, or not a speaker"))},
       {"owner_name", Nullable(Str("the owner's name: the speaker's once named, else the owner "
                                   "as written when it is not a speaker; null otherwise"))},
       {"due", Nullable(Str("when, as said (\"by Friday\")"))},
       {"segment", Nullable(SegmentId("where it was said"))}});
  c["MinutesSpeaker"] =
      Obj({{"id", SpeakerId("the transcript's speaker")},
           {"name", Nullable(Str("the name given to the speaker; null until named"))},
           {"talk_time", Seconds("how long the speaker talks")},
           {"share", Num("the speaker's share of all talk, 0 to 1")}});
  c["Minutes"] =
      Obj({{"version", Int("from 1")},
           {"template", Str("the template it was made with")},
           {"template_version", Nullable(Int("the tenant template's version; null: built-in"))},
           {"generator", Str("extractive, or the language model provider that wrote it")},
           {"repairs", ArrayOf(Ref("Repair"), "empty when nothing was repaired")},
           {"title", Str()},
           {"summary", ArrayOf(Str(), "paragraphs")},
           {"decisions", ArrayOf(Ref("Decision"))},
           {"action_items", ArrayOf(Ref("ActionItem"))},
           {"topics", ArrayOf(Str())},
           {"speakers", ArrayOf(Ref("MinutesSpeaker"))}},
          "One version of the minutes, names applied");
  json decision_in = Obj({{"text", Str()},
                          {"speaker", Nullable(SpeakerId("")), false},
                          {"speaker_name", Nullable(Str("ignored")), false},
                          {"segment", Nullable(SegmentId("")), false}});
  json action_in = Obj({{"text", Str()},
                        {"owner", Nullable(Str("a speaker id, or who does it")), false},
                        {"owner_name", Nullable(Str("who does it, when owner is null")), false},
                        {"due", Nullable(Str()), false},
                        {"segment", Nullable(SegmentId("")), false}});
  c["MinutesEdit"] = Obj({{"title", Str(), false},
                          {"summary", ArrayOf(Str()), false},
                          {"decisions", ArrayOf(decision_in), false},
                          {"action_items", ArrayOf(action_in), false},
                          {"topics", ArrayOf(Str()), false}},
                         "Fields to replace in the latest version; the rest is kept");
  c["MinutesEdited"] = Obj({{"version", Int("the new version")}});
  c["MinutesVersion"] = Obj({{"version", Int()},
                             {"template", Str()},
                             {"template_version", Nullable(Int())},
                             {"generator", Str()},
                             {"created_at", DateTime()},
                             {"repairs", ArrayOf(Ref("Repair"))}});
  c["MinutesRequest"] = Obj({{"template", Str("a template name")}});
  c["MinutesQueued"] = Obj({{"task_id", Str()},
                            {"version", Int("the version it will be")},
                            {"template", Str()},
                            {"state", Enum({"queued"})}});

  c["Question"] = Obj({{"question", Str("up to 2000 bytes")}});
  c["Citation"] = Obj({{"segment", SegmentId("")},
                       {"start", Seconds("")},
                       {"end", Seconds("")},
                       {"speaker", SpeakerId("")},
                       {"speaker_name", Nullable(Str("null until named"))},
                       {"text", Str()}});
  c["Answer"] = Obj({{"question", Str()},
                     {"answer", Str()},
                     {"citations", ArrayOf(Ref("Citation"), "the lines the answer rests on")},
                     {"generator", Str("extractive, or the language model provider")},
                     {"repairs", ArrayOf(Ref("Repair"))}});

  // Examples (Redocly checks them against their schemas).
  c["Task"]["example"] = {{"id", "4f9c2a7e1b3d5a6c8e0f1a2b"},
                          {"title", "Weekly standup"},
                          {"state", "succeeded"},
                          {"stage", ""},
                          {"progress", 1},
                          {"error", nullptr},
                          {"template", "default"},
                          {"created_at", "2026-12-07T09:30:00.000Z"},
                          {"updated_at", "2026-12-07T09:31:12.480Z"},
                          {"filename", "standup.m4a"},
                          {"size", 612480},
                          {"duration", 38.747},
                          {"expected_speakers", 0},
                          {"language", "en"},
                          {"hotword_set", nullptr},
                          {"attempts", 1},
                          {"format", "m4a"},
                          {"engine", "auto"},
                          {"engine_used", "whisper:base.en"}};
  c["Segment"]["example"] = {
      {"id", "seg-0002"},
      {"speaker", "S2"},
      {"start", 5.04},
      {"end", 6.2},
      {"text", "Yesterday I finished"},
      {"words",
       {{{"word", "Yesterday"}, {"start", 5.04}, {"end", 5.6}, {"confidence", 0.93}},
        {{"word", "I"}, {"start", 5.6}, {"end", 5.7}, {"confidence", 0.98}},
        {{"word", "finished"}, {"start", 5.7}, {"end", 6.2}, {"confidence", 0.9}}}}};
  c["Speaker"]["example"] = {{"id", "S2"}, {"name", "Alice Chen"}, {"talk_time", 12.48}};
  c["Decision"]["example"] = {{"text", "Release version two on Friday"},
                              {"speaker", "S1"},
                              {"speaker_name", nullptr},
                              {"segment", "seg-0007"}};
  c["ActionItem"]["example"] = {{"text", "Book the room for the demo"},
                                {"owner", "S2"},
                                {"owner_name", "Alice Chen"},
                                {"due", "by Thursday"},
                                {"segment", "seg-0011"}};
}

}  // namespace minutes::schema::sets
