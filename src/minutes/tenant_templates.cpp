#include "minutes/tenant_templates.hpp"

#include "auth/password.hpp"
#include "core/clock.hpp"
#include "store/templates.hpp"

namespace minutes {

TemplateLimits TemplateLimitsFrom(const Config* config) {
  TemplateLimits limits;
  if (!config) return limits;
  limits.max_source_bytes = static_cast<size_t>(config->minutes.template_max_kb) * 1024;
  limits.max_depth = config->minutes.template_max_depth;
  limits.max_output_bytes = static_cast<size_t>(config->minutes.render_max_kb) * 1024;
  limits.max_render_ms = config->minutes.render_timeout_ms;
  return limits;
}

Result<TemplateSet> TenantTemplates(Database& db, const std::string& tenant_id,
                                    const TemplateLimits& limits) {
  TemplateSet set = TemplateSet::Builtin(limits);
  auto rows = FindLatestTemplates(db, tenant_id);
  if (!rows.ok()) return rows.status();
  for (const TemplateRow& r : *rows) set.AddStored(r.name, r.body);
  return set;
}

Result<ResolvedTemplate> ResolveTemplate(Database& db, const std::string& tenant_id,
                                         const std::string& name) {
  for (const std::string& candidate : {name, std::string("default")}) {
    auto stored = FindLatestTemplate(db, tenant_id, candidate);
    if (!stored.ok()) return stored.status();
    if (*stored) return ResolvedTemplate{candidate, (*stored)->body, (*stored)->version};
    auto builtin = TemplateSet::Builtin().Source(candidate);
    if (builtin.ok()) return ResolvedTemplate{candidate, *builtin, 0};
  }
  return Status::Internal("no built-in default template");
}

Result<std::vector<TenantTemplateInfo>> ListTenantTemplates(Database& db,
                                                            const std::string& tenant_id) {
  auto rows = FindLatestTemplates(db, tenant_id);
  if (!rows.ok()) return rows.status();
  std::vector<TenantTemplateInfo> out;
  for (TemplateRow& r : *rows)
    out.push_back({std::move(r.name), r.version, std::move(r.created_at), std::move(r.owner_id),
                   std::move(r.owner_username)});
  return out;
}

Result<std::vector<TemplateVersionRow>> TemplateVersions(Database& db, const std::string& tenant_id,
                                                         const std::string& name) {
  auto rows = FindTemplateVersions(db, tenant_id, name);
  if (!rows.ok()) return rows.status();
  std::vector<TemplateVersionRow> out;
  for (TemplateRow& r : *rows)
    out.push_back({r.version, std::move(r.body), std::move(r.created_at)});
  return out;
}

Status MayChangeTemplate(const TemplateCaller& caller, const std::string& name, bool exists,
                         const std::optional<std::string>& owner) {
  if (caller.admin) return Status::Ok();
  if (!exists && TemplateSet::Builtin().Has(name))
    return Status::PermissionDenied("only admins can override the built-in template '" + name +
                                    "': it is how the tenant's minutes read");
  if (!exists) return Status::Ok();
  if (!owner)
    return Status::PermissionDenied("template '" + name +
                                    "' is the tenant's: only admins can change it");
  if (*owner != caller.user_id)
    return Status::PermissionDenied("template '" + name +
                                    "' belongs to another user: only they or an admin can "
                                    "change it");
  return Status::Ok();
}

Result<int64_t> PutTemplateVersion(Database& db, const TemplateCaller& caller,
                                   const std::string& name, const std::string& body) {
  auto id = RandomHex(12);
  if (!id.ok()) return id.status();
  int64_t version = 0;
  Status s = db.Transaction([&](Database& tx) -> Status {
    auto top = FindLatestTemplate(tx, caller.tenant_id, name);
    if (!top.ok()) return top.status();
    const bool exists = top->has_value();
    std::optional<std::string> owner = exists ? (*top)->owner_id : std::nullopt;
    if (Status may = MayChangeTemplate(caller, name, exists, owner); !may.ok()) return may;
    // A new name belongs to the member who makes it, or to the tenant when an admin does; a
    // template keeps its owner whoever writes the next version.
    if (!exists && !caller.admin) owner = caller.user_id;
    version = exists ? (*top)->version + 1 : 1;
    TemplateRow row;
    row.id = *id;
    row.tenant_id = caller.tenant_id;
    row.name = name;
    row.version = version;
    row.body = body;
    row.created_at = NowIso();
    row.owner_id = owner;
    return InsertTemplateVersion(tx, row);
  });
  if (!s.ok()) return s;
  return version;
}

Status DeleteTemplate(Database& db, const TemplateCaller& caller, const std::string& name) {
  return db.Transaction([&](Database& tx) -> Status {
    auto top = FindLatestTemplate(tx, caller.tenant_id, name);
    if (!top.ok()) return top.status();
    if (!*top) return Status::NotFound("no template '" + name + "'");
    if (Status may = MayChangeTemplate(caller, name, true, (*top)->owner_id); !may.ok()) return may;
    return DeleteTemplateVersions(tx, caller.tenant_id, name);
  });
}

}  // namespace minutes
