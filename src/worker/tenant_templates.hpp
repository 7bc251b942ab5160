#pragma once
// The minutes templates a tenant sees: the built-ins, then the tenant's own (latest version of
// each name, from table prompt_templates) over them.
#include <string>

#include "db/database.hpp"
#include "minutes/template_set.hpp"

namespace minutes {

/// Built-ins overridden/extended by the tenant's latest template versions.
Result<TemplateSet> TenantTemplates(Database& db, const std::string& tenant_id);

}  // namespace minutes
