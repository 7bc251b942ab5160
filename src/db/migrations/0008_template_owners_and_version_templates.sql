-- Templates have owners, and minutes versions keep the template they were made with.
--
-- prompt_templates.owner_id: NULL = the tenant's template (admins manage it), else the member
-- who made it (they and admins manage it). Existing templates get the member who first saved
-- them (from the audit log) unless an admin did or the name is a built-in's; the rest become
-- the tenant's.
ALTER TABLE prompt_templates ADD COLUMN owner_id TEXT REFERENCES users(id);
UPDATE prompt_templates SET owner_id = (
  SELECT u.id FROM users u WHERE u.role = 'member' AND u.tenant_id = prompt_templates.tenant_id
    AND u.id = (SELECT a.user_id FROM audit_logs a WHERE a.tenant_id = prompt_templates.tenant_id
                  AND a.action = 'template.put' AND a.target = prompt_templates.name
                ORDER BY a.id LIMIT 1))
WHERE name NOT IN ('default', 'action-items', 'brief', 'zh');

-- artifacts.template_body / template_version: the template text a version was rendered from and
-- the tenant's version number of it (0 = built-in). Existing versions get the tenant's version
-- that was current when they were written; those made with a built-in keep NULL and are read
-- with the built-in of their name.
ALTER TABLE artifacts ADD COLUMN template_body TEXT;
ALTER TABLE artifacts ADD COLUMN template_version INTEGER;
UPDATE artifacts SET
  template_body = (SELECT p.body FROM prompt_templates p JOIN tasks t ON t.tenant_id = p.tenant_id
                   WHERE t.id = artifacts.task_id AND p.name = artifacts.template
                     AND p.created_at <= artifacts.created_at
                   ORDER BY p.version DESC LIMIT 1),
  template_version = (SELECT p.version FROM prompt_templates p
                      JOIN tasks t ON t.tenant_id = p.tenant_id
                      WHERE t.id = artifacts.task_id AND p.name = artifacts.template
                        AND p.created_at <= artifacts.created_at
                      ORDER BY p.version DESC LIMIT 1);
