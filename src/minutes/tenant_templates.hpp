#pragma once
// A tenant's templates: what it sees — the built-ins, then the tenant's own over them (latest
// version of each name) — and who may change what. Stored through store/templates.hpp.
//
// Who may change templates: a template an admin saves is the tenant's (owner NULL); only admins
// write new versions of it or delete it, and only admins may override a built-in name
// (`default`, …), since that changes every minutes version made with it from then on. A
// member's template is theirs: they (and admins) write and delete it; other members use it but
// cannot change it. Nobody reaches another tenant's templates: every query names the tenant.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "db/database.hpp"
#include "minutes/template_set.hpp"

namespace minutes {

/// The configured caps (minutes.template_max_kb …); defaults when `config` is null.
TemplateLimits TemplateLimitsFrom(const Config* config);

/// Built-ins overridden/extended by the tenant's latest template versions. Stored templates are
/// not re-validated here: one that breaks today's rules fails when rendered, saying why.
Result<TemplateSet> TenantTemplates(Database& db, const std::string& tenant_id,
                                    const TemplateLimits& limits = {});

/// The template a new minutes version is made with: the tenant's latest version of `name`,
/// else the built-in, else (deleted since the task was made) the tenant's `default`.
struct ResolvedTemplate {
  std::string name;
  std::string body;
  int64_t version = 0;  ///< the tenant's version number; 0 = built-in
};
Result<ResolvedTemplate> ResolveTemplate(Database& db, const std::string& tenant_id,
                                         const std::string& name);

/// Who is asking, for the write rules above.
struct TemplateCaller {
  std::string tenant_id, user_id;
  bool admin = false;
};

/// One tenant template (its latest version).
struct TenantTemplateInfo {
  std::string name;
  int64_t version = 0;
  std::string updated_at;
  std::optional<std::string> owner_id;  ///< nullopt = the tenant's (admins manage it)
  std::string owner_username;           ///< "" for the tenant's
};
Result<std::vector<TenantTemplateInfo>> ListTenantTemplates(Database& db,
                                                            const std::string& tenant_id);

/// One stored version.
struct TemplateVersionRow {
  int64_t version = 0;
  std::string body, created_at;
};
/// Every version of the tenant's `name`, oldest first (empty: the tenant has none).
Result<std::vector<TemplateVersionRow>> TemplateVersions(Database& db, const std::string& tenant_id,
                                                         const std::string& name);

/// Whether `caller` may write or delete the template `name` whose latest owner is `owner`
/// (`exists` false: not saved by the tenant yet). PermissionDenied saying why.
Status MayChangeTemplate(const TemplateCaller& caller, const std::string& name, bool exists,
                         const std::optional<std::string>& owner);

/// Writes the next version of `name` (body already validated) if `caller` may; returns its
/// number. The check and the insert are one transaction.
Result<int64_t> PutTemplateVersion(Database& db, const TemplateCaller& caller,
                                   const std::string& name, const std::string& body);

/// Deletes every version of `name` if `caller` may. NotFound when the tenant has none.
Status DeleteTemplate(Database& db, const TemplateCaller& caller, const std::string& name);

}  // namespace minutes
