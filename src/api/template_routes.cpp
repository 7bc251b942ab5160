// /api/v1/templates CRUD: tenant templates over the built-in ones, versioned.
#include "api/routes.hpp"

namespace minutes {

void AddTemplateRoutes(Router&, const ServiceContext&) {}

}  // namespace minutes
