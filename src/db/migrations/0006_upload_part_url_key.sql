-- The API's part URLs (direct uploads on local storage) are signed one by one with a per-upload
-- key: any number of them stay valid side by side until their own expiry. Uploads from before
-- this migration, or started by an older instance during a roll-out, get a key on first use;
-- their single-token URLs (token_hash) keep working. New uploads leave token_hash ''.
ALTER TABLE uploads ADD COLUMN part_url_key TEXT NOT NULL DEFAULT '';
