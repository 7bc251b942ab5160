// /api/v1/tasks/{id}/minutes: the minutes versions of a task.
#include "api/routes.hpp"
#include "api/task_store.hpp"
#include "export/minutes_json.hpp"
#include "minutes/template_set.hpp"

namespace minutes {

void AddMinutesRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;
  r.Add("GET", "/api/v1/tasks/{id}/minutes", true, [d](Request& req, Response& res) {
    auto row = FindTask(d->db, req);
    if (!row.ok()) return SetError(res, row.status(), req.request_id);
    auto art = d->db.Query(
        "SELECT version, template, minutes_json FROM artifacts WHERE task_id = ? ORDER BY "
        "version DESC LIMIT 1",
        {req.params["id"]});
    if (!art.ok()) return SetError(res, art.status(), req.request_id);
    if (art->empty())
      return SetError(res, 404, "", "the minutes are not ready yet", req.request_id);
    auto doc = MinutesFromJson(nlohmann::json::parse(AsString((*art)[0][2])));
    if (!doc.ok()) return SetError(res, doc.status(), req.request_id);
    // Names given to speakers since the minutes were written show up at once.
    auto tr = LoadTranscript(d->db, req.params["id"]);
    if (tr.ok()) {
      for (auto& a : doc->action_items) a.owner = tr->DisplayName(a.owner);
      for (auto& s : doc->speakers) s.name = tr->DisplayName(s.id);
    }
    std::string f = req.query.count("format") ? req.query["format"] : "md";
    if (f == "json") return res.Json(200, MinutesToJson(*doc));
    if (f != "md") return SetError(res, 400, "", "format must be md or json", req.request_id);
    RenderContext ctx{"", tr.ok() ? tr->duration : 0, ""};
    auto md = TemplateSet::Builtin().Render(AsString((*art)[0][1]), *doc, ctx);
    if (!md.ok()) return SetError(res, md.status(), req.request_id);
    res.status = 200;
    res.content_type = "text/markdown; charset=utf-8";
    res.body = *md;
  });
}

}  // namespace minutes
