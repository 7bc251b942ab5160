-- Provider calls (ASR and language models) are audited with how long they took and how they
-- ended: ok, retry, failed, skipped (circuit open).
ALTER TABLE audit_logs ADD COLUMN latency_ms REAL;
ALTER TABLE audit_logs ADD COLUMN outcome TEXT;
