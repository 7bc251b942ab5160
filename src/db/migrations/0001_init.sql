-- The service's data model (seed 000/004 tables): tenants, people, tasks and what they produce.
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,          -- argon2id encoded string
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX users_tenant ON users(tenant_id);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  prefix TEXT NOT NULL,                 -- first characters, to find the row
  key_hash TEXT NOT NULL,               -- SHA-256 of the whole key
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_prefix ON api_keys(prefix);

CREATE TABLE objects (                  -- uploaded recordings and exports in object storage
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  storage_key TEXT NOT NULL UNIQUE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  duration REAL,
  format TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE hotword_sets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE hotwords (
  set_id TEXT NOT NULL REFERENCES hotword_sets(id) ON DELETE CASCADE,
  word TEXT NOT NULL,
  weight REAL,
  PRIMARY KEY (set_id, word)
);

CREATE TABLE prompt_templates (         -- tenant_id NULL: built-in
  id TEXT PRIMARY KEY,
  tenant_id TEXT REFERENCES tenants(id),
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, name, version)
);

CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  title TEXT NOT NULL DEFAULT '',
  object_id TEXT REFERENCES objects(id),
  state TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'succeeded', 'failed', 'canceled')),
  stage TEXT NOT NULL DEFAULT '',
  progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  template TEXT NOT NULL DEFAULT 'default',
  hotword_set_id TEXT REFERENCES hotword_sets(id),
  speakers INTEGER NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT 'en',
  engine TEXT NOT NULL DEFAULT 'auto',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tasks_tenant_created ON tasks(tenant_id, created_at);
CREATE INDEX tasks_state ON tasks(state);

CREATE TABLE jobs (                     -- the durable queue: one row per unit of work
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                   -- 'transcribe' | 'minutes'
  payload TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('ready', 'leased', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_after TEXT NOT NULL,
  lease_owner TEXT,
  lease_until TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX jobs_ready ON jobs(state, run_after);

CREATE TABLE transcripts (
  task_id TEXT PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  duration REAL NOT NULL,
  language TEXT NOT NULL,
  engine TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE segments (
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  speaker TEXT NOT NULL,
  start_s REAL NOT NULL,
  end_s REAL NOT NULL,
  text TEXT NOT NULL,
  words TEXT NOT NULL DEFAULT '[]',     -- JSON array of {word,start,end,confidence}
  PRIMARY KEY (task_id, seq)
);

CREATE TABLE speaker_names (
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  speaker TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (task_id, speaker)
);

CREATE TABLE artifacts (                -- minutes versions: regeneration adds, never overwrites
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  template TEXT NOT NULL,
  generator TEXT NOT NULL,
  minutes_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (task_id, version)
);

CREATE TABLE audit_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT,
  user_id TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  provider TEXT,
  model TEXT,
  audio_seconds REAL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  cost REAL,
  created_at TEXT NOT NULL
);
CREATE INDEX audit_logs_tenant_created ON audit_logs(tenant_id, created_at);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL DEFAULT 'task.succeeded,task.failed',
  created_at TEXT NOT NULL
);
