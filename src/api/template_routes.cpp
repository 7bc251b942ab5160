// /api/v1/templates: the minutes templates a tenant sees — the built-ins (read-only) and its
// own, versioned: PUT writes the next version, older ones stay readable.
// Any member may write templates (teams shape their own minutes); only admins delete them.
#include <regex>
#include <set>

#include "api/audit.hpp"
#include "api/routes.hpp"
#include "auth/accounts.hpp"
#include "minutes/template_set.hpp"

namespace minutes {
namespace {

bool ValidTemplateName(const std::string& name) {
  static const std::regex kName("[a-z0-9_-]{1,64}");
  return std::regex_match(name, kName);
}

}  // namespace

void AddTemplateRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add("GET", "/api/v1/templates", true, [d](Request& req, Response& res) {
    nlohmann::json items = nlohmann::json::array();
    auto own = d->db.Query(
        "SELECT name, max(version), max(created_at) FROM prompt_templates WHERE tenant_id = ? "
        "GROUP BY name ORDER BY name",
        {req.principal->tenant_id});
    if (!own.ok()) return SetError(res, own.status(), req.request_id);
    std::set<std::string> overridden;
    for (auto& row : *own) overridden.insert(AsString(row[0]));
    for (auto& name : TemplateSet::Builtin().Names())
      items.push_back({{"name", name},
                       {"builtin", true},
                       {"overridden", overridden.count(name) > 0},
                       {"version", 0}});
    for (auto& row : *own)
      items.push_back({{"name", AsString(row[0])},
                       {"builtin", false},
                       {"version", AsInt(row[1])},
                       {"updated_at", AsString(row[2])}});
    res.Json(200, {{"items", items}});
  });

  r.Add("GET", "/api/v1/templates/{name}", true, [d](Request& req, Response& res) {
    std::string name = req.params["name"];
    auto versions = d->db.Query(
        "SELECT version, body, created_at FROM prompt_templates WHERE tenant_id = ? AND name = ? "
        "ORDER BY version",
        {req.principal->tenant_id, name});
    if (!versions.ok()) return SetError(res, versions.status(), req.request_id);
    if (versions->empty()) {
      auto src = TemplateSet::Builtin().Source(name);
      if (!src.ok()) return SetError(res, 404, "", "no template '" + name + "'", req.request_id);
      return res.Json(200, {{"name", name}, {"builtin", true}, {"version", 0}, {"body", *src}});
    }
    const DbRow* chosen = &versions->back();
    if (auto v = req.query.find("version"); v != req.query.end()) {
      chosen = nullptr;
      for (auto& row : *versions)
        if (std::to_string(AsInt(row[0])) == v->second) chosen = &row;
      if (!chosen)
        return SetError(res, 404, "", "template '" + name + "' has no version " + v->second,
                        req.request_id);
    }
    nlohmann::json list = nlohmann::json::array();
    for (auto& row : *versions)
      list.push_back({{"version", AsInt(row[0])}, {"created_at", AsString(row[2])}});
    res.Json(200, {{"name", name},
                   {"builtin", false},
                   {"version", AsInt((*chosen)[0])},
                   {"body", AsString((*chosen)[1])},
                   {"created_at", AsString((*chosen)[2])},
                   {"versions", list}});
  });

  r.Add("PUT", "/api/v1/templates/{name}", true, [d](Request& req, Response& res) {
    std::string name = req.params["name"];
    if (!ValidTemplateName(name))
      return SetError(res, 400, "", "template names are 1-64 characters of a-z, 0-9, _ and -",
                      req.request_id);
    auto body = ReadJsonBody(req, 256 * 1024);
    if (!body.ok()) return SetError(res, body.status(), req.request_id);
    if (!body->contains("body") || !(*body)["body"].is_string() ||
        (*body)["body"].get<std::string>().empty())
      return SetError(res, 400, "", "body (the Mustache template text) is required",
                      req.request_id);
    std::string text = (*body)["body"];
    if (Status s = TemplateSet::Validate(name, text); !s.ok())
      return SetError(res, s, req.request_id);
    auto id = RandomHex(12);
    if (!id.ok()) return SetError(res, id.status(), req.request_id);
    int64_t version = 0;
    Status s = d->db.Transaction([&](Database& tx) -> Status {
      auto top = tx.Query(
          "SELECT coalesce(max(version), 0) FROM prompt_templates WHERE tenant_id = ? AND "
          "name = ?",
          {req.principal->tenant_id, name});
      if (!top.ok()) return top.status();
      version = AsInt((*top)[0][0]) + 1;
      return tx.Exec(
          "INSERT INTO prompt_templates (id, tenant_id, name, version, body, created_at) VALUES "
          "(?, ?, ?, ?, ?, ?)",
          {*id, req.principal->tenant_id, name, version, text, NowIso()});
    });
    if (!s.ok()) return SetError(res, s, req.request_id);
    Audit(d->db, req, "template.put", name);
    if (version == 1) res.headers["Location"] = "/api/v1/templates/" + name;
    res.Json(version == 1 ? 201 : 200, {{"name", name}, {"version", version}});
  });

  r.Add("DELETE", "/api/v1/templates/{name}", true, [d](Request& req, Response& res) {
    std::string name = req.params["name"];
    auto rows = d->db.Query("SELECT 1 FROM prompt_templates WHERE tenant_id = ? AND name = ?",
                            {req.principal->tenant_id, name});
    if (!rows.ok()) return SetError(res, rows.status(), req.request_id);
    if (rows->empty()) {
      if (TemplateSet::Builtin().Has(name))
        return SetError(res, 400, "", "built-in templates cannot be deleted", req.request_id);
      return SetError(res, 404, "", "no template '" + name + "'", req.request_id);
    }
    if (!RequireAdmin(req, res)) return;
    Status s = d->db.Exec("DELETE FROM prompt_templates WHERE tenant_id = ? AND name = ?",
                          {req.principal->tenant_id, name});
    if (!s.ok()) return SetError(res, s, req.request_id);
    Audit(d->db, req, "template.delete", name);
    res.status = 204;
    res.content_type.clear();
    res.body.clear();
  });
}

}  // namespace minutes
