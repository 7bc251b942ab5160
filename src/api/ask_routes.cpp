// POST /api/v1/tasks/{id}/ask {"question"}: an answer grounded in the transcript, with the
// segments it rests on. A configured language model answers from the transcript (or, when it
// is longer than the model's context, from the best-matching passages); its citations that
// name no segment are dropped (listed in `repairs`), never its answer. Without a model, or when
// it fails or gives no usable answer twice, the answer is the best-matching segments themselves.
#include <algorithm>
#include <set>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/minutes_view.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/task_store.hpp"
#include "llm/call_capture.hpp"
#include "llm/model_chain.hpp"
#include "log/log.hpp"
#include "minutes/llm_generator.hpp"
#include "minutes/minutes_repair.hpp"
#include "minutes/provider_audit.hpp"
#include "minutes/retrieval.hpp"
#include "store/tenants.hpp"
#include "store/transcripts.hpp"

namespace minutes {
namespace {

const char* const kSystem =
    "You answer questions about a meeting from its transcript. Reply with one JSON object and "
    "nothing else: {\"answer\": string, \"citations\": [segment id, ...]}. Answer only from the "
    "transcript and cite the segment ids (\"seg-…\") that support the answer; when the "
    "transcript does not say, answer so and cite nothing. Answer in the language of the "
    "question.";

nlohmann::json Citation(const Transcript& tr, const Segment& s) {
  return {{"segment", s.id},
          {"start", s.start},
          {"end", s.end},
          {"speaker", s.speaker},
          {"speaker_name", SpeakerNameJson(&tr, s.speaker)},
          {"text", s.text}};
}

// The model's answer with its repairs, or nullopt when it failed or gave no usable answer.
std::optional<nlohmann::json> ModelAnswer(const ServiceContext& d, const Transcript& tr,
                                          const std::string& question, const std::string& task_id,
                                          const std::string& task_tenant_id,
                                          std::string* generator) {
  int budget = d.llm_context_tokens - 1000 - EstimateTokens(kSystem) - EstimateTokens(question);
  std::string lines;
  for (const auto& s : tr.segments) lines += TranscriptLine(tr, s);
  if (EstimateTokens(lines) > budget) {  // too long: the best passages with their neighbours
    std::set<size_t> keep;
    for (size_t i : BestSegments(tr, question, 20))
      for (size_t j = i > 0 ? i - 1 : 0; j <= std::min(i + 1, tr.segments.size() - 1); ++j)
        keep.insert(j);
    lines.clear();
    for (size_t i : keep) {
      std::string line = TranscriptLine(tr, tr.segments[i]);
      if (EstimateTokens(lines + line) > budget) break;
      lines += line;
    }
  }
  CompletionRequest req;
  req.system = kSystem;
  req.messages = {
      {"user", "Transcript ([segment] time speaker: text):\n" + lines + "\nQuestion: " + question}};
  req.max_tokens = 800;
  req.json_mode = true;
  req.schema = JsonSchema{"answer", AnswerReplySchema()};
  auto provider = FindTenantLlmProvider(d.db, task_tenant_id);
  auto model = PreferProvider(d.llm, provider.ok() && *provider ? **provider : std::string());
  std::optional<RepairedAnswer> answer;
  std::string problem;
  std::vector<ProviderCallRecord> calls;
  {
    ProviderCallCapture capture;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto c = model->Complete(req);
      if (!c.ok()) {
        problem = c.status().message();
        break;
      }
      auto j = ReplyJsonObject(c->text);
      if (j.ok()) {
        RepairedAnswer a = RepairAnswer(*j, tr);
        if (!a.answer.empty()) {
          answer = std::move(a);
          break;
        }
        problem = "it has no answer in the shape asked for";
      } else {
        problem = j.status().message();
      }
      // Once more, with the unusable reply and what is wrong with it.
      req.messages.push_back({"assistant", c->text});
      req.messages.push_back({"user", "That reply is not usable: " + problem +
                                          ". Reply again with only the JSON object asked for."});
    }
    calls = capture.calls;
  }
  std::string served = AuditProviderCalls(d.db, &d.config, task_id, calls);
  if (!answer) {
    LogEvent(LogLevel::kWarn, "ask_fallback",
             {{"task_id", task_id},
              {"error", problem},
              {"action", "the best-matching segments answer"}});
    return std::nullopt;
  }
  nlohmann::json citations = nlohmann::json::array();
  for (const auto& id : answer->citations)
    for (const auto& s : tr.segments)
      if (s.id == id) citations.push_back(Citation(tr, s));
  *generator = served.empty() ? d.llm->Name() : served;
  return nlohmann::json{{"answer", answer->answer},
                        {"citations", citations},
                        {"repairs", RepairsToJson(answer->repairs)}};
}

}  // namespace

void AddAskRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add(
      "POST", "/api/v1/tasks/{id}/ask", true,
      Contract("askTask", "results",
               "Ask about the meeting: an answer grounded in the transcript, with the lines it "
               "rests on (a configured language model, else the best-matching lines)")
          .JsonBody(schema::Ref("Question"))
          .Returns(200, "the answer", schema::Ref("Answer"))
          .Returns(400, "no question, or over 2000 bytes")
          .Returns(404, "no such task in the tenant")
          .Returns(409, "no transcript yet"),
      [d](Request& req, Response& res) {
        auto row = FindTask(d->db, req);
        if (!row.ok()) return SetError(res, row.status(), req.request_id);
        auto body = ReadJsonBody(req);
        if (!body.ok()) return SetError(res, 400, "", body.status().message(), req.request_id);
        if (!body->is_object() || !body->contains("question") || !(*body)["question"].is_string() ||
            (*body)["question"].get<std::string>().find_first_not_of(" \t\n") == std::string::npos)
          return SetError(res, 400, "", "send {\"question\": \"…\"}", req.request_id);
        std::string question = (*body)["question"];
        if (question.size() > 2000)
          return SetError(res, 400, "", "the question is longer than 2000 bytes", req.request_id);
        std::string id = req.params["id"];
        auto tr = LoadTranscript(d->db, id);
        if (!tr.ok() || tr->segments.empty())
          return SetError(res, 409, "",
                          "the transcript is not ready yet: wait for the task to finish",
                          req.request_id);
        std::string generator = "extractive";
        std::optional<nlohmann::json> answer;
        if (d->llm)
          answer = ModelAnswer(*d, *tr, question, id, req.principal->tenant_id, &generator);
        if (!answer) {
          generator = "extractive";
          nlohmann::json citations = nlohmann::json::array();
          std::string text;
          for (size_t i : BestSegments(*tr, question, 3)) {
            const Segment& s = tr->segments[i];
            citations.push_back(Citation(*tr, s));
            text += (text.empty() ? "" : "\n") + tr->DisplayName(s.speaker) + ": " + s.text;
          }
          answer = nlohmann::json{
              {"answer", citations.empty() ? "Nothing in the transcript matches the question."
                                           : "The closest passages in the transcript:\n" + text},
              {"citations", citations},
              {"repairs", nlohmann::json::array()}};
        }
        (*answer)["question"] = question;
        (*answer)["generator"] = generator;
        Audit(d->db, req, "task.ask", id);
        res.Json(200, *answer);
      });
}

}  // namespace minutes
