#include "worker/tenant_templates.hpp"

#include "auth/password.hpp"
#include "core/clock.hpp"

namespace minutes {
namespace {

std::optional<std::string> OptionalString(const DbValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return std::nullopt;
  return AsString(v);
}

}  // namespace

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
  auto rows = db.Query(
      "SELECT p.name, p.body FROM prompt_templates p WHERE p.tenant_id = ? AND p.version = "
      "(SELECT max(q.version) FROM prompt_templates q WHERE q.tenant_id = p.tenant_id AND "
      "q.name = p.name)",
      {tenant_id});
  if (!rows.ok()) return rows.status();
  for (auto& r : *rows) set.AddStored(AsString(r[0]), AsString(r[1]));
  return set;
}

Result<ResolvedTemplate> ResolveTemplate(Database& db, const std::string& tenant_id,
                                         const std::string& name) {
  for (const std::string& candidate : {name, std::string("default")}) {
    auto rows = db.Query(
        "SELECT version, body FROM prompt_templates WHERE tenant_id = ? AND name = ? ORDER BY "
        "version DESC LIMIT 1",
        {tenant_id, candidate});
    if (!rows.ok()) return rows.status();
    if (!rows->empty())
      return ResolvedTemplate{candidate, AsString((*rows)[0][1]), AsInt((*rows)[0][0])};
    auto builtin = TemplateSet::Builtin().Source(candidate);
    if (builtin.ok()) return ResolvedTemplate{candidate, *builtin, 0};
  }
  return Status::Internal("no built-in default template");
}

Result<std::vector<TenantTemplateInfo>> ListTenantTemplates(Database& db,
                                                            const std::string& tenant_id) {
  auto rows = db.Query(
      "SELECT p.name, p.version, p.created_at, p.owner_id, u.username FROM prompt_templates p "
      "LEFT JOIN users u ON u.id = p.owner_id WHERE p.tenant_id = ? AND p.version = (SELECT "
      "max(q.version) FROM prompt_templates q WHERE q.tenant_id = p.tenant_id AND q.name = "
      "p.name) ORDER BY p.name",
      {tenant_id});
  if (!rows.ok()) return rows.status();
  std::vector<TenantTemplateInfo> out;
  for (auto& r : *rows)
    out.push_back(
        {AsString(r[0]), AsInt(r[1]), AsString(r[2]), OptionalString(r[3]), AsString(r[4])});
  return out;
}

Result<std::vector<TemplateVersionRow>> TemplateVersions(Database& db, const std::string& tenant_id,
                                                         const std::string& name) {
  auto rows = db.Query(
      "SELECT version, body, created_at FROM prompt_templates WHERE tenant_id = ? AND name = ? "
      "ORDER BY version",
      {tenant_id, name});
  if (!rows.ok()) return rows.status();
  std::vector<TemplateVersionRow> out;
  for (auto& r : *rows) out.push_back({AsInt(r[0]), AsString(r[1]), AsString(r[2])});
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
    auto top = tx.Query(
        "SELECT version, owner_id FROM prompt_templates WHERE tenant_id = ? AND name = ? ORDER "
        "BY version DESC LIMIT 1",
        {caller.tenant_id, name});
    if (!top.ok()) return top.status();
    const bool exists = !top->empty();
    std::optional<std::string> owner = exists ? OptionalString((*top)[0][1]) : std::nullopt;
    if (Status may = MayChangeTemplate(caller, name, exists, owner); !may.ok()) return may;
    // A new name belongs to the member who makes it, or to the tenant when an admin does; a
    // template keeps its owner whoever writes the next version.
    if (!exists && !caller.admin) owner = caller.user_id;
    version = exists ? AsInt((*top)[0][0]) + 1 : 1;
    return tx.Exec(
        "INSERT INTO prompt_templates (id, tenant_id, name, version, body, created_at, owner_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {*id, caller.tenant_id, name, version, body, NowIso(),
         owner ? DbValue(*owner) : DbValue(nullptr)});
  });
  if (!s.ok()) return s;
  return version;
}

Status DeleteTemplate(Database& db, const TemplateCaller& caller, const std::string& name) {
  return db.Transaction([&](Database& tx) -> Status {
    auto top = tx.Query(
        "SELECT owner_id FROM prompt_templates WHERE tenant_id = ? AND name = ? ORDER BY version "
        "DESC LIMIT 1",
        {caller.tenant_id, name});
    if (!top.ok()) return top.status();
    if (top->empty()) return Status::NotFound("no template '" + name + "'");
    if (Status may = MayChangeTemplate(caller, name, true, OptionalString((*top)[0][0])); !may.ok())
      return may;
    return tx.Exec("DELETE FROM prompt_templates WHERE tenant_id = ? AND name = ?",
                   {caller.tenant_id, name});
  });
}

}  // namespace minutes
