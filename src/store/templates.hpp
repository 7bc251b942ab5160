#pragma once
// The templates repository (table prompt_templates): every version of every template a tenant
// saved, never rewritten. Every query names the tenant. What a tenant sees (the built-ins under
// its own) and who may change what: minutes/tenant_templates.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One row of prompt_templates, with its owner's username.
struct TemplateRow {
  std::string id, tenant_id, name;
  int64_t version = 0;  ///< 1, 2, … per tenant and name
  std::string body, created_at;
  std::optional<std::string> owner_id;  ///< nullopt = the tenant's (admins manage it)
  std::string owner_username;           ///< read from users; "" for the tenant's
};

/// The latest version of each of the tenant's templates, by name.
Result<std::vector<TemplateRow>> FindLatestTemplates(Database& db, const std::string& tenant_id);

/// The latest version of the tenant's `name`, or nullopt when it has none.
Result<std::optional<TemplateRow>> FindLatestTemplate(Database& db, const std::string& tenant_id,
                                                      const std::string& name);

/// Every version of the tenant's `name`, oldest first (empty: the tenant has none).
Result<std::vector<TemplateRow>> FindTemplateVersions(Database& db, const std::string& tenant_id,
                                                      const std::string& name);

/// Inserts `row` (created_at stamped now when empty; owner_username is not stored). A version the
/// tenant already has is a constraint violation (BadInput), so of two concurrent writers of the
/// same next version one fails.
Status InsertTemplateVersion(Database& tx, const TemplateRow& row);

/// Deletes every version of the tenant's `name`.
Status DeleteTemplateVersions(Database& tx, const std::string& tenant_id, const std::string& name);

}  // namespace minutes
