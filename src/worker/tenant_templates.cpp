#include "worker/tenant_templates.hpp"

namespace minutes {

Result<TemplateSet> TenantTemplates(Database& db, const std::string& tenant_id) {
  TemplateSet set = TemplateSet::Builtin();
  auto rows = db.Query(
      "SELECT p.name, p.body FROM prompt_templates p WHERE p.tenant_id = ? AND p.version = "
      "(SELECT max(q.version) FROM prompt_templates q WHERE q.tenant_id = p.tenant_id AND "
      "q.name = p.name)",
      {tenant_id});
  if (!rows.ok()) return rows.status();
  for (auto& r : *rows)
    if (Status s = set.Add(AsString(r[0]), AsString(r[1])); !s.ok()) return s;
  return set;
}

}  // namespace minutes
