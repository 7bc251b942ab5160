// /api/v1/tasks/{id}/minutes: the minutes versions of a task — read one (md, json, docx),
// list them, or queue a regeneration with another template as a new version.
#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/minutes_view.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "api/task_store.hpp"
#include "export/docx.hpp"
#include "export/minutes_json.hpp"
#include "minutes/tenant_templates.hpp"
#include "queue/job_queue.hpp"
#include "store/jobs.hpp"
#include "store/minutes_versions.hpp"
#include "store/transcripts.hpp"

namespace minutes {
namespace {

// The minutes version asked for: ?version=N or the latest.
Result<MinutesVersion> FindVersion(Database& db, const Request& req) {
  std::string id = req.params.at("id");
  std::optional<int64_t> wanted;
  if (auto v = req.query.find("version"); v != req.query.end()) {
    int64_t n = 0;
    try {
      size_t used = 0;
      n = std::stoll(v->second, &used);
      if (used != v->second.size() || n < 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      return Status::BadInput("version must be a positive whole number");
    }
    wanted = n;
  }
  auto found = FindMinutesVersion(db, id, wanted);
  if (!found.ok()) return found.status();
  if (!*found)
    return Status::NotFound(wanted ? "task " + id + " has no minutes version " +
                                         std::to_string(*wanted)
                                   : "the minutes are not ready yet");
  return std::move(**found);
}

// The template text `v` is rendered with: the one it was made with. Versions from before
// templates were kept (migration 0008) that no tenant template matched used the built-in.
Result<std::pair<std::string, std::string>> VersionTemplate(Database& db,
                                                            const std::string& tenant_id,
                                                            const MinutesVersion& v) {
  if (v.template_body) return std::make_pair(v.template_name, *v.template_body);
  if (auto builtin = TemplateSet::Builtin().Source(v.template_name); builtin.ok())
    return std::make_pair(v.template_name, *builtin);
  auto resolved = ResolveTemplate(db, tenant_id, v.template_name);  // deleted before 0008
  if (!resolved.ok()) return resolved.status();
  return std::make_pair(resolved->name, resolved->body);
}

// A version's stored repairs as JSON (an empty array should the column ever hold something else).
nlohmann::json ParseRepairs(const std::string& stored) {
  auto j = nlohmann::json::parse(stored, nullptr, false);
  return j.is_array() ? j : nlohmann::json::array();
}

}  // namespace

void AddMinutesRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add("GET", "/api/v1/tasks/{id}/minutes", true,
        Contract("getMinutes", "results",
                 "One minutes version: Markdown rendered with the template it was made with, the "
                 "minutes as JSON, or a Word document; speaker names as they are now")
            .Query("format", schema::Enum({"md", "json", "docx"}), "md (default), json or docx")
            .Query("version", schema::Int("from 1"), "the version (default: the latest)")
            .Returns(200, "the minutes", schema::Str(), "text/markdown")
            .Also(200, "application/json", schema::Ref("Minutes"))
            .Also(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  schema::Binary())
            .Header(200, "X-Minutes-Version", "the version shown", schema::Int())
            .Returns(400, "a bad format or version")
            .Returns(404, "no such task, no such version, or the minutes are not ready yet")
            .Returns(422, "the template cannot render them within the limits"),
        [d](Request& req, Response& res) {
          auto task = FindTask(d->db, req);
          if (!task.ok()) return SetError(res, task.status(), req.request_id);
          std::string f = req.query.count("format") ? req.query["format"] : "md";
          if (f != "md" && f != "json" && f != "docx")
            return SetError(res, 400, "", "format must be md, json or docx", req.request_id);
          auto art = FindVersion(d->db, req);
          if (!art.ok()) return SetError(res, art.status(), req.request_id);
          auto doc = MinutesFromJson(nlohmann::json::parse(art->minutes_json));
          if (!doc.ok()) return SetError(res, doc.status(), req.request_id);
          // Names given to speakers since the minutes were written show up at once.
          auto tr = LoadTranscript(d->db, req.params["id"]);
          res.headers["X-Minutes-Version"] = std::to_string(art->version);
          if (f == "json") {
            nlohmann::json j = {
                {"version", art->version},
                {"template", art->template_name},
                {"template_version", art->template_version ? nlohmann::json(*art->template_version)
                                                           : nlohmann::json(nullptr)},
                {"generator", art->generator},
                {"repairs", ParseRepairs(art->repairs_json)}};
            j.update(MinutesView(*doc, tr.ok() ? &*tr : nullptr));
            return res.Json(200, j);
          }
          if (tr.ok()) {  // documents show names (or the speaker's id until named)
            for (auto& a : doc->action_items) a.owner = tr->DisplayName(a.owner);
            for (auto& s : doc->speakers) s.name = tr->DisplayName(s.id);
          }
          std::string title = task->title;
          std::string date = task->created_at.substr(0, 10);
          double duration = tr.ok() ? tr->duration : 0;
          if (f == "docx") {
            auto bytes = RenderDocx(*doc, {title, date, duration, tr.ok() ? tr->language : "",
                                           tr.ok() ? tr->engine : ""});
            if (!bytes.ok()) return SetError(res, bytes.status(), req.request_id);
            res.status = 200;
            res.content_type =
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
            res.headers["Content-Disposition"] = "attachment; filename=\"minutes-" +
                                                 req.params["id"] + "-v" +
                                                 std::to_string(art->version) + ".docx\"";
            res.body = std::move(*bytes);
            return;
          }
          // Rendered with the template this version was made with, so editing the template later
          // never changes what an existing version says.
          auto tmpl = VersionTemplate(d->db, req.principal->tenant_id, *art);
          if (!tmpl.ok()) return SetError(res, tmpl.status(), req.request_id);
          auto md =
              TemplateSet::RenderSource(tmpl->first, tmpl->second, *doc, {date, duration, title},
                                        TemplateLimitsFrom(&d->config));
          if (!md.ok()) return SetError(res, md.status(), req.request_id);
          res.status = 200;
          res.content_type = "text/markdown; charset=utf-8";
          res.body = *md;
        });

  r.Add("GET", "/api/v1/tasks/{id}/minutes/versions", true,
        Contract("listMinutesVersions", "results",
                 "Every minutes version, oldest first: template, generator, when, and what was "
                 "repaired in a language model's answer")
            .Returns(200, "the versions", schema::ListOf(schema::Ref("MinutesVersion")))
            .Returns(404, "no such task"),
        [d](Request& req, Response& res) {
          auto task = FindTask(d->db, req);
          if (!task.ok()) return SetError(res, task.status(), req.request_id);
          auto versions = ListMinutesVersions(d->db, req.params["id"]);
          if (!versions.ok()) return SetError(res, versions.status(), req.request_id);
          nlohmann::json items = nlohmann::json::array();
          for (const MinutesVersionSummary& v : *versions) {
            nlohmann::json item = {{"version", v.version},
                                   {"template", v.template_name},
                                   {"generator", v.generator},
                                   {"created_at", v.created_at}};
            item["template_version"] =
                v.template_version ? nlohmann::json(*v.template_version) : nlohmann::json(nullptr);
            item["repairs"] = ParseRepairs(v.repairs_json);
            items.push_back(item);
          }
          res.Json(200, {{"items", items}});
        });

  r.Add(
      "POST", "/api/v1/tasks/{id}/minutes", true,
      Contract("regenerateMinutes", "results",
               "Write the minutes again with a template, as a new version (queued)")
          .JsonBody(schema::Ref("MinutesRequest"))
          .Returns(202, "queued", schema::Ref("MinutesQueued"))
          .Returns(400, "no template, or an unknown one")
          .Returns(404, "no such task")
          .Returns(409, "no transcript yet"),
      [d](Request& req, Response& res) {
        auto task = FindTask(d->db, req);
        if (!task.ok()) return SetError(res, task.status(), req.request_id);
        auto body = ReadJsonBody(req);
        if (!body.ok()) return SetError(res, body.status(), req.request_id);
        if (!body->contains("template") || !(*body)["template"].is_string())
          return SetError(res, 400, "", "template (a string) is required", req.request_id);
        std::string tmpl = (*body)["template"];
        auto templates = TenantTemplates(d->db, req.principal->tenant_id);
        if (!templates.ok()) return SetError(res, templates.status(), req.request_id);
        if (!templates->Has(tmpl))
          return SetError(res, 400, "", "unknown template '" + tmpl + "'", req.request_id);
        std::string id = req.params["id"];
        int64_t version = 0;
        Status s = d->db.Transaction([&](Database& tx) -> Status {
          auto ready = HasTranscript(tx, id);
          if (!ready.ok()) return ready.status();
          if (!*ready)
            return Status::Conflict("the transcript is not ready yet: wait for the task to finish");
          // The next number after every version written or already queued.
          auto top = LatestMinutesVersionNumber(tx, id);
          if (!top.ok()) return top.status();
          version = *top + 1;
          auto queued = PendingMinutesJobPayloads(tx, id);
          if (!queued.ok()) return queued.status();
          for (const std::string& payload : *queued) {
            auto p = nlohmann::json::parse(payload, nullptr, false);
            if (p.is_object() && p.contains("version"))
              version = std::max<int64_t>(version, p["version"].get<int64_t>() + 1);
          }
          return JobQueue::Enqueue(tx, id, "minutes",
                                   nlohmann::json{{"template", tmpl}, {"version", version}}.dump());
        });
        if (!s.ok()) return SetError(res, s, req.request_id);
        if (d->queue) d->queue->Notify();
        Audit(d->db, req, "minutes.regenerate", id);
        res.Json(202,
                 {{"task_id", id}, {"version", version}, {"template", tmpl}, {"state", "queued"}});
      });
}

}  // namespace minutes
