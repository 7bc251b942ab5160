-- Quotas and caps (issue 17): limits.tenant_storage_mb, limits.tenant_queued_tasks,
-- limits.user_uploads_per_minute (api/quotas.hpp).
--
-- A tenant's storage in use is summed from what the database already knows (objects.size, the
-- declared size of open direct uploads, minutes versions) plus these reservations: the bytes a
-- streamed upload may still write, taken in steps as its body arrives and dropped in the
-- transaction that records its object (or when it fails). A check and the reservation it
-- allows are one transaction, so concurrent uploads on any number of API instances never pass
-- the quota together. Times are Unix seconds; a reservation of a process that died lapses at
-- expires_at.
CREATE TABLE storage_reservations (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  bytes INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX storage_reservations_tenant ON storage_reservations(tenant_id, expires_at);
CREATE INDEX objects_tenant ON objects(tenant_id);
CREATE INDEX uploads_tenant_state ON uploads(tenant_id, state);
-- The queued-task limit counts a tenant's queued tasks.
CREATE INDEX tasks_tenant_state ON tasks(tenant_id, state);
-- Uploads each user started in the last minute (a sliding window: one row per upload, Unix
-- milliseconds), shared by every API instance; rows older than the window are deleted as new
-- ones come. The id makes a row copyable once (migrate-data re-runs skip rows already there).
CREATE TABLE upload_starts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX upload_starts_user ON upload_starts(user_id, at_ms);
