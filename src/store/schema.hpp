#pragma once
// Whether the database is there to be used, for readiness probes.
#include "db/database.hpp"

namespace minutes {

/// Ok when the database answers a query on the migrated schema (schema_migrations); its error
/// otherwise.
Status ProbeSchema(Database& db);

}  // namespace minutes
