-- The jobs table is also the outbox of a message-broker queue (queue: redis://…): a job row is
-- committed with its task, then published to the stream; published = 0 until that happened, so a
-- job created while the broker is down is published when it is back.
ALTER TABLE jobs ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_outbox ON jobs(published, state, run_after);
