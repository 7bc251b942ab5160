// /api/v1/hotword-sets CRUD: per-tenant word lists with optional weights.
#include "api/routes.hpp"

namespace minutes {

void AddHotwordRoutes(Router&, const ServiceContext&) {}

}  // namespace minutes
