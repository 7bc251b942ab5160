#pragma once
// /api/v1/tasks: upload a recording, follow the task, read its transcript and minutes.
#include "api/router.hpp"
#include "db/database.hpp"
#include "storage/object_store.hpp"

namespace minutes {

struct TaskRouteDeps {
  Database& db;
  ObjectStore& store;
  int64_t max_upload_bytes = 500LL * 1024 * 1024;
};

/// Registers the task routes. Every lookup is scoped to the caller's tenant: another tenant's
/// task is "not found", never "forbidden".
void AddTaskRoutes(Router& router, TaskRouteDeps deps);

}  // namespace minutes
