-- Direct uploads (POST /api/v1/uploads): a recording sent part by part by the client, to
-- presigned object-store URLs or to the API, then completed into an object a task can use.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  part_size INTEGER NOT NULL,
  storage_key TEXT NOT NULL,
  store_upload_id TEXT NOT NULL,        -- the object store's multipart upload id
  token_hash TEXT NOT NULL,             -- SHA-256 of the part URLs' token (API part URLs)
  state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'aborted', 'expired')),
  object_id TEXT REFERENCES objects(id) ON DELETE SET NULL,
  task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX uploads_tenant ON uploads(tenant_id, created_at);
CREATE INDEX uploads_open ON uploads(state, expires_at);
