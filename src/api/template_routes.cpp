// /api/v1/templates: the minutes templates a tenant sees — the built-ins (read-only) and its
// own, versioned: PUT writes the next version, older ones stay readable.
// Admins manage the tenant's templates (and may override a built-in); members make and change
// their own and use everyone's (minutes/tenant_templates.hpp has the rules).
#include <regex>
#include <set>

#include "api/audit.hpp"
#include "api/contract.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "minutes/template_set.hpp"
#include "minutes/tenant_templates.hpp"

namespace minutes {
namespace {

bool ValidTemplateName(const std::string& name) {
  static const std::regex kName("[a-z0-9_-]{1,64}");
  return std::regex_match(name, kName);
}

TemplateCaller Caller(const Request& req) {
  return {req.principal->tenant_id, req.principal->user_id, req.principal->role == "admin"};
}

}  // namespace

void AddTemplateRoutes(Router& r, const ServiceContext& ctx) {
  const ServiceContext* d = &ctx;

  r.Add(
      "GET", "/api/v1/templates", true,
      Contract("listTemplates", "templates",
               "Built-in and the tenant's minutes templates, with owner and whether the "
               "caller may edit")
          .Returns(200, "the templates", schema::Ref("TemplateList")),
      [d](Request& req, Response& res) {
        auto own = ListTenantTemplates(d->db, req.principal->tenant_id);
        if (!own.ok()) return SetError(res, own.status(), req.request_id);
        const TemplateCaller caller = Caller(req);
        std::set<std::string> overridden;
        for (auto& t : *own) overridden.insert(t.name);
        nlohmann::json items = nlohmann::json::array();
        for (auto& name : TemplateSet::Builtin().Names())
          items.push_back({{"name", name},
                           {"builtin", true},
                           {"overridden", overridden.count(name) > 0},
                           {"version", 0},
                           {"editable", MayChangeTemplate(caller, name, false, {}).ok()}});
        for (auto& t : *own)
          items.push_back({{"name", t.name},
                           {"builtin", false},
                           {"version", t.version},
                           {"updated_at", t.updated_at},
                           {"owner", t.owner_id ? nlohmann::json(t.owner_username) : nullptr},
                           {"editable", MayChangeTemplate(caller, t.name, true, t.owner_id).ok()}});
        res.Json(200, {{"items", items}});
      });

  r.Add(
      "GET", "/api/v1/templates/{name}", true,
      Contract("getTemplate", "templates", "A template's text and its versions")
          .Query("version", schema::Int("from 1"), "the version (default: the latest)")
          .Returns(200, "the template", schema::Ref("Template"))
          .Returns(404, "no such template or version"),
      [d](Request& req, Response& res) {
        std::string name = req.params["name"];
        auto versions = TemplateVersions(d->db, req.principal->tenant_id, name);
        if (!versions.ok()) return SetError(res, versions.status(), req.request_id);
        if (versions->empty()) {
          auto src = TemplateSet::Builtin().Source(name);
          if (!src.ok())
            return SetError(res, 404, "", "no template '" + name + "'", req.request_id);
          return res.Json(200, {{"name", name}, {"builtin", true}, {"version", 0}, {"body", *src}});
        }
        const TemplateVersionRow* chosen = &versions->back();
        if (auto v = req.query.find("version"); v != req.query.end()) {
          chosen = nullptr;
          for (auto& row : *versions)
            if (std::to_string(row.version) == v->second) chosen = &row;
          if (!chosen)
            return SetError(res, 404, "", "template '" + name + "' has no version " + v->second,
                            req.request_id);
        }
        nlohmann::json list = nlohmann::json::array();
        for (auto& row : *versions)
          list.push_back({{"version", row.version}, {"created_at", row.created_at}});
        res.Json(200, {{"name", name},
                       {"builtin", false},
                       {"version", chosen->version},
                       {"body", chosen->body},
                       {"created_at", chosen->created_at},
                       {"versions", list}});
      });

  r.Add("PUT", "/api/v1/templates/{name}", true,
        Contract("putTemplate", "templates",
                 "Write the next version of a tenant template (Mustache, validated and "
                 "bounded); admins: the tenant's and built-in names, members: their own")
            .PathParam("name", schema::Str("1-64 characters of a-z, 0-9, _ and -"),
                       "the template's name")
            .JsonBody(schema::Ref("TemplateText"))
            .Returns(200, "a new version", schema::Ref("TemplateWritten"))
            .Returns(201, "the first version", schema::Ref("TemplateWritten"))
            .Header(201, "Location", "/api/v1/templates/{name}")
            .Returns(400, "a bad name, or an invalid template (line and reason)")
            .Returns(403, "not the caller's to change")
            .Returns(413, "the template is too large"),
        [d](Request& req, Response& res) {
          std::string name = req.params["name"];
          if (!ValidTemplateName(name))
            return SetError(res, 400, "", "template names are 1-64 characters of a-z, 0-9, _ and -",
                            req.request_id);
          const TemplateLimits limits = TemplateLimitsFrom(&d->config);
          // Room for JSON escaping of a template at the size limit.
          auto body = ReadJsonBody(req, 2 * limits.max_source_bytes + 4096);
          if (!body.ok()) return SetError(res, body.status(), req.request_id);
          if (!body->contains("body") || !(*body)["body"].is_string() ||
              (*body)["body"].get<std::string>().empty())
            return SetError(res, 400, "", "body (the Mustache template text) is required",
                            req.request_id);
          std::string text = (*body)["body"];
          if (Status s = TemplateSet::Validate(name, text, limits); !s.ok())
            return SetError(res, s, req.request_id);
          auto version = PutTemplateVersion(d->db, Caller(req), name, text);
          if (!version.ok()) return SetError(res, version.status(), req.request_id);
          Audit(d->db, req, "template.put", name);
          if (*version == 1) res.headers["Location"] = "/api/v1/templates/" + name;
          res.Json(*version == 1 ? 201 : 200, {{"name", name}, {"version", *version}});
        });

  r.Add("DELETE", "/api/v1/templates/{name}", true,
        Contract("deleteTemplate", "templates",
                 "Delete a tenant template with all its versions (admins; members their own)")
            .Returns(204, "deleted")
            .Returns(400, "built-in templates cannot be deleted")
            .Returns(403, "not the caller's to delete")
            .Returns(404, "no such template"),
        [d](Request& req, Response& res) {
          std::string name = req.params["name"];
          Status s = DeleteTemplate(d->db, Caller(req), name);
          if (s.kind() == ErrorKind::kNotFound && TemplateSet::Builtin().Has(name))
            return SetError(res, 400, "", "built-in templates cannot be deleted", req.request_id);
          if (!s.ok()) return SetError(res, s, req.request_id);
          Audit(d->db, req, "template.delete", name);
          res.status = 204;
          res.content_type.clear();
          res.body.clear();
        });
}

}  // namespace minutes
