// /api/v1/users, /api/v1/audit-logs, /api/v1/usage: for admins of a tenant.
#include "api/routes.hpp"

namespace minutes {

void AddAdminRoutes(Router&, const ServiceContext&) {}

}  // namespace minutes
