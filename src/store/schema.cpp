#include "store/schema.hpp"

namespace minutes {

Status ProbeSchema(Database& db) {
  return db.Query("SELECT count(*) FROM schema_migrations").status();
}

}  // namespace minutes
