-- Fair workers (issue 17): light jobs in a lane of their own, heavy jobs shared fairly between
-- tenants with a per-tenant cap, counted in these rows on every queue backend.
--
-- jobs.lane: 'heavy' (transcribe, minutes) or 'light' (webhook deliveries and every other
-- kind); each lane is claimed by its own worker threads. jobs.tenant_id: the task's tenant,
-- copied so a claim can count and order jobs per tenant without a join.
ALTER TABLE jobs ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lane TEXT NOT NULL DEFAULT 'heavy';
UPDATE jobs SET tenant_id = COALESCE((SELECT t.tenant_id FROM tasks t WHERE t.id = jobs.task_id), '');
UPDATE jobs SET lane = 'light' WHERE kind NOT IN ('transcribe', 'minutes');
CREATE INDEX jobs_lane_ready ON jobs(lane, state, run_after);
CREATE INDEX jobs_lane_tenant ON jobs(lane, tenant_id, state, lease_until);

-- Whose turn it is: every claim gives its tenant the lane's next turn number, and among tenants
-- with as many jobs running the one with the lowest number (the one served longest ago) goes
-- first — a round robin, so one tenant's burst of jobs cannot keep another's waiting.
CREATE TABLE job_turns (
  lane TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  turn INTEGER NOT NULL,
  PRIMARY KEY (lane, tenant_id)
);
CREATE INDEX job_turns_order ON job_turns(lane, turn);
