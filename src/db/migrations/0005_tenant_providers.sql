-- A tenant's own choice of speech engine and language model provider ('auto' = the configured
-- order). Tasks may still name their own engine (tasks.engine).
ALTER TABLE tenants ADD COLUMN asr_engine TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE tenants ADD COLUMN llm_provider TEXT NOT NULL DEFAULT 'auto';
