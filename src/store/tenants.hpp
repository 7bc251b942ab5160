#pragma once
// The tenants and users repository (tables tenants, users): who may sign in, to which tenant,
// and the tenant's choice of speech engine and language model provider. Accounts (auth/) writes
// users and their secrets; this reads them for the routes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace minutes {

/// One row of tenants, as the routes show it.
struct TenantRow {
  std::string id, name;
  std::string asr_engine;    ///< "auto" = the configured order
  std::string llm_provider;  ///< "auto" = the configured order
};

/// The tenant `tenant_id`, or nullopt.
Result<std::optional<TenantRow>> FindTenant(Database& db, const std::string& tenant_id);

/// The name of tenant `tenant_id`, or nullopt.
Result<std::optional<std::string>> FindTenantName(Database& db, const std::string& tenant_id);

/// The language model provider tenant `tenant_id` chose, or nullopt when there is no tenant.
Result<std::optional<std::string>> FindTenantLlmProvider(Database& db,
                                                         const std::string& tenant_id);

/// Sets the tenant's speech engine / language model provider (names the caller checked).
Status SetTenantAsrEngine(Database& db, const std::string& tenant_id, const std::string& engine);
Status SetTenantLlmProvider(Database& db, const std::string& tenant_id,
                            const std::string& provider);

/// A user as the admin routes show it (no secrets).
struct UserRow {
  std::string id, username, role;  ///< role: admin or member
  bool disabled = false;
  std::string created_at;
};

/// The users of tenant `tenant_id`, by username.
Result<std::vector<UserRow>> ListTenantUsers(Database& db, const std::string& tenant_id);

/// The user `user_id` if it belongs to tenant `tenant_id`, or nullopt.
Result<std::optional<UserRow>> FindTenantUser(Database& db, const std::string& user_id,
                                              const std::string& tenant_id);

/// The user `user_id` of any tenant, or nullopt.
Result<std::optional<UserRow>> FindUser(Database& db, const std::string& user_id);

/// What signing a user in by name needs: the user, its tenant's name, and whether it may.
struct UserSignIn {
  std::string user_id, tenant_id, tenant_name, role;
  bool disabled = false;
};

/// The user named `username` (names are unique across tenants), or nullopt.
Result<std::optional<UserSignIn>> FindUserByName(Database& db, const std::string& username);

}  // namespace minutes
