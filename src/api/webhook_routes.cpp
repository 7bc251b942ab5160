// /api/v1/webhooks CRUD: per-tenant endpoints told about finished tasks.
#include "api/routes.hpp"

namespace minutes {

void AddWebhookRoutes(Router&, const ServiceContext&) {}

}  // namespace minutes
